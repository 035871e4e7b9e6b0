//go:build integration

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/manacore/opsdeck/backend/alertmanager"
	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/backend/testbed/dockerbed"
	"github.com/manacore/opsdeck/tui"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// console is opsdeck as `opsdeck --config path` builds it (real sources,
// real executors, audit log and incidents in a temp state dir), driven on
// an emulated screen.
type console struct {
	tt    *tuitest.Term
	state string
}

func startConsole(t *testing.T, cfgBody string, w, h int) *console {
	t.Helper()
	state := t.TempDir()
	// The console writes exports (e) to its working directory: keep them,
	// even a stray one from a failing test, out of the checkout.
	t.Chdir(state)
	getenv := env(map[string]string{"XDG_STATE_HOME": state, "USER": "tester"})
	a, err := build(flags{config: writeConfig(t, cfgBody)}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.enableActions(getenv); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); a.close() })
	a.start(ctx)
	go a.poller.Run(ctx)
	return &console{tt: tuitest.Start(t, tui.New(ctx, a.ui), w, h), state: state + "/opsdeck"}
}

// confirmGrace outlasts the confirmation's key grace: keys typed sooner
// are ignored on purpose.
const confirmGrace = 500 * time.Millisecond

// ownContainer runs a fleetsvc container of a compose project of the
// test's own on a free port, removed when the test ends.
type ownContainer struct {
	bed           *dockerbed.Bed
	project, name string
	port          int
	dockerHost    string
}

func newOwnContainer(t *testing.T) *ownContainer {
	t.Helper()
	bed := dockerbed.New(t, "cmd-opsdeck", "tui")
	id, port := bed.RunFleet(dockerbed.Fleet{Service: "backend", Name: "backend-1",
		Env: []string{"RPS=5", "ERROR_PCT=0", "LATENCY_MS=10"}})
	bed.WaitHealthy(60*time.Second, id)
	return &ownContainer{bed: bed, project: bed.Project, name: bed.Project + "-backend-1", port: port, dockerHost: bed.Host}
}

func (c *ownContainer) inspect(t *testing.T) container.InspectResponse {
	t.Helper()
	return c.bed.Inspect(c.name)
}

func (c *ownContainer) config() string {
	return fmt.Sprintf(`environment: testbed
projects:
  - name: %s
    services:
      - {component: backend, health_url: "http://127.0.0.1:%d/api/health"}
sources:
  docker:
    - {name: local, host: %q, interval: 2s, timeout: 2s}
`, c.project, c.port, c.dockerHost)
}

// TestConsoleRestartsARealContainer is the issue's "restart of a real
// container through the TUI": r on the service, the name typed, the
// container restarted and healthy again, two audit entries.
func TestConsoleRestartsARealContainer(t *testing.T) {
	own := newOwnContainer(t)
	before := own.inspect(t).State.StartedAt
	c := startConsole(t, own.config(), 120, 32)
	tt := c.tt
	tt.Keys("2")
	tt.WaitWithin(own.project, 15*time.Second)
	tt.Keys("enter")
	tt.WaitWithin(own.name, 10*time.Second)
	tt.Keys("r")
	tt.WaitWithin("Type "+own.project+"-backend and press enter", 15*time.Second)
	time.Sleep(confirmGrace)
	tt.Type(own.project + "-backend")
	tt.Keys("enter")
	tt.WaitWithin("✔ done in", 90*time.Second)
	tt.Quit()

	st := own.inspect(t).State
	if st.StartedAt == before || !st.Running || st.Health == nil || st.Health.Status != "healthy" {
		t.Fatalf("not restarted and healthy: started %s (was %s), running %v, health %+v", st.StartedAt, before, st.Running, st.Health)
	}
	pairs := auditOf(t, c.state)
	me := localActor(false, os.Getenv).User // the OS user, not $USER
	if len(pairs) != 1 || pairs[0].After == nil || pairs[0].After.Result != "ok" || pairs[0].Before.User != me ||
		!strings.Contains(strings.Join(pairs[0].Before.Steps, "\n"), own.name) {
		t.Fatalf("audit %+v", pairs)
	}
}

// TestConsoleFollowsAndSearchesLogs opens the logs of a real container,
// sees a line written after the view opened, and finds it with /.
func TestConsoleFollowsAndSearchesLogs(t *testing.T) {
	own := newOwnContainer(t)
	c := startConsole(t, own.config(), 120, 32)
	tt := c.tt
	tt.Keys("2")
	tt.WaitWithin(own.project, 15*time.Second)
	tt.Keys("enter")
	tt.WaitWithin(own.name, 10*time.Second)
	tt.Keys("l")
	tt.WaitWithin("fleetsvc listening", 15*time.Second)
	// A line written now must arrive while following.
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/control", own.port), "application/x-www-form-urlencoded",
		strings.NewReader("rps=7&error_pct=0&latency_ms=12&healthy=true"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tt.WaitWithin("control:", 15*time.Second)
	tt.Keys("/")
	tt.Type("control")
	tt.Keys("enter")
	tt.WaitFor(`search "control"`)
	tt.Keys("p")
	tt.WaitFor("paused")
	tt.Quit()
}

// TestConsoleSilencesAnAlert silences the bed's always-firing alert from
// the alerts view, sees it in :silences, and expires it again, all
// against the real Alertmanager.
func TestConsoleSilencesAnAlert(t *testing.T) {
	tb := testbed.Need(t, testbed.AlertmanagerURL)
	am, err := alertmanager.New(alertmanager.Config{URL: tb[testbed.AlertmanagerURL]})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	comment := "opsdeck test " + hex.EncodeToString(b)
	find := func() (alertmanager.Silence, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ss, err := am.Silences(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			if s.Comment == comment {
				return s, true
			}
		}
		return alertmanager.Silence{}, false
	}
	t.Cleanup(func() {
		if s, ok := find(); ok && s.State == "active" {
			_ = am.Expire(context.Background(), s.ID)
		}
	})
	cfg := fmt.Sprintf(`environment: testbed
projects:
  - name: chat
    services: [{component: backend}]
sources:
  alertmanager: {url: %q, interval: 2s, timeout: 2s}
`, tb[testbed.AlertmanagerURL])
	c := startConsole(t, cfg, 120, 32)
	tt := c.tt
	tt.Keys("5")
	tt.WaitWithin("test bed alert", 20*time.Second)
	tt.Keys("/")
	tt.Type("test bed alert")
	tt.Keys("enter", "m")
	tt.WaitFor("comment")
	time.Sleep(confirmGrace)
	tt.Keys("tab")
	tt.Type(comment)
	tt.Keys("enter")
	tt.WaitWithin("Proceed? y confirm", 10*time.Second)
	time.Sleep(confirmGrace)
	tt.Keys("y")
	tt.WaitWithin("✔ done in", 20*time.Second)
	s, ok := find()
	if !ok || s.State != "active" || s.CreatedBy != localActor(false, os.Getenv).User ||
		len(s.Matchers) == 0 || s.Matchers[0].Name != "alertname" || s.Matchers[0].Value != "TestbedAlwaysFiring" ||
		s.EndsAt.Sub(s.StartsAt).Round(time.Minute) != 2*time.Hour {
		t.Fatalf("silence %+v (found %v)", s, ok)
	}
	// The list shows it; X expires it.
	tt.Keys("esc", ":")
	tt.Type("silences")
	tt.Keys("enter")
	// The action screen also shows the comment: wait for the loaded list.
	tt.WaitWithin("SILENCES  as of", 15*time.Second)
	if !strings.Contains(tt.Screen(), comment) {
		t.Fatalf("the new silence is not listed:\n%s", tt.Screen())
	}
	tt.Keys("/")
	tt.Type(comment)
	tt.Keys("enter", "X")
	tt.WaitWithin("EXPIRE "+s.ID, 10*time.Second)
	time.Sleep(confirmGrace)
	tt.Keys("y")
	tt.WaitWithin("✔ done in", 20*time.Second)
	tt.Quit()
	if s, _ := find(); s.State != "expired" {
		t.Fatalf("silence not expired: %+v", s)
	}
	if pairs := auditOf(t, c.state); len(pairs) != 2 || pairs[0].Before.Kind != "silence" || pairs[1].Before.Kind != "expire" ||
		pairs[0].Before.Params["comment"] != comment {
		t.Fatalf("audit %+v", pairs)
	}
}

// TestConsoleRunsHealthChecks presses c against a live service and one
// whose port nothing listens on.
func TestConsoleRunsHealthChecks(t *testing.T) {
	own := newOwnContainer(t)
	dead := testbed.FreeAddr(t)
	cfg := strings.Replace(own.config(), "sources:", fmt.Sprintf("      - {component: web, name: ghost-web, health_url: \"http://%s/api/health\"}\nsources:", dead), 1)
	c := startConsole(t, cfg, 120, 32)
	tt := c.tt
	tt.Keys("c")
	tt.WaitWithin("✖ 1/2 passed", 20*time.Second)
	screen := tt.Screen()
	tt.Quit()
	for _, want := range []string{own.project + "-back", "200", "PASS", "ghost-web", "FAIL · connection ref"} {
		if !strings.Contains(screen, want) {
			t.Errorf("checks screen lacks %q:\n%s", want, screen)
		}
	}
}
