package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/deploy"
)

const deployBase = `environment: production
projects:
  - name: chat
    services: [{component: backend}, {component: web}]
sources:
  prometheus: {url: "http://127.0.0.1:9090", service_label: service}
  ssh:
    known_hosts: /k
    hosts: [{name: app-1, addr: "127.0.0.1:22"}]
actions:
  commands:
    - {name: chat-weight, host: app-1, argv: [proxy-weight, "{project}", "{colour}", "{weight}"]}
    - {name: chat-switch, host: app-1, argv: [coolify, switch-deployment, "{project}", "{colour}"]}
deployments:
`

func TestDeploymentsSection(t *testing.T) {
	c, err := Parse("ok.yaml", []byte(deployBase+`  - project: chat
    gates: {error_rate_pct: 0.5, p95: 800ms, min_rps: 1}
    monitor: 5m
    rollback_window: 30m
    commands: {shift: chat-weight, promote: chat-switch, rollback: chat-switch, migrate: chat-weight}
    health_urls: {green: ["http://127.0.0.1:3002/api/health"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := deploy.Spec{Project: "chat", Service: "chat-backend", ColourLabel: "opsdeck.colour",
		Gates:          deploy.Gates{MaxErrorRatePct: 0.5, MaxP95: 800 * time.Millisecond, MinRPS: 1},
		Monitor:        5 * time.Minute,
		RollbackWindow: 30 * time.Minute,
		Commands:       deploy.Commands{Shift: "chat-weight", Promote: "chat-switch", Rollback: "chat-switch", Migrate: "chat-weight"},
		HealthURLs:     map[string][]string{"green": {"http://127.0.0.1:3002/api/health"}}}
	if len(c.Deployments) != 1 || !reflect.DeepEqual(c.Deployments[0], want) {
		t.Fatalf("deployments %+v", c.Deployments)
	}
	if c.Sources.Prometheus.ColourLabel != "colour" {
		t.Errorf("prometheus colour label %q, want the default colour", c.Sources.Prometheus.ColourLabel)
	}
	c, err = Parse("ok.yaml", []byte(deployBase+"  - {project: chat, service: chat-web}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Deployments[0]; d.Service != "chat-web" || d.Gates.MaxErrorRatePct != 1 || d.Gates.MaxP95 != time.Second || d.RollbackWindow != time.Hour || d.Monitor != 10*time.Minute {
		t.Errorf("seed defaults %+v", d)
	}
}

func TestDeploymentsErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"  - {project: picture}\n", `deployment project "picture" is not a configured project`},
		{"  - {project: chat, service: chat-landing}\n", `service "chat-landing" is not a service of the project`},
		{"  - {project: chat, commands: {promote: chat-swtich}}\n", `commands.promote "chat-swtich" is not under actions.commands`},
		{"  - {project: chat, gates: {p95: fast}}\n", `p95: "fast" is not a duration`},
		{"  - {project: chat, colour_label: \"Bad Label\"}\n", `colour_label "Bad Label" is not a container label key`},
		{"  - {project: chat}\n  - {project: chat}\n", `deployment name "chat" is already used`},
		{"  - {project: chat, commands: {migrate: chat-migrate}}\n", `commands.migrate "chat-migrate" is not under actions.commands`},
		{"  - {project: chat, monitor: soon}\n", `monitor: "soon" is not a duration`},
		{"  - {project: chat, health_urls: {red: [\"http://a/h\"]}}\n", `health_urls: "red" is not a colour (blue or green)`},
		{"  - {project: chat, health_urls: {green: [\"localhost:3002/h\"]}}\n", `health_urls.green "localhost:3002/h" must be an absolute http:// or https:// URL`},
	} {
		_, err := Parse("bad.yaml", []byte(deployBase+c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.yaml, err, c.want)
		}
	}
}
