package initconfig

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/docker"
)

// answers is a Probe that answers 2xx for the URLs given, and records
// every URL asked.
type answers struct {
	ok    map[string]bool
	asked []string
}

func (a *answers) probe(_ context.Context, u string) bool {
	a.asked = append(a.asked, u)
	return a.ok[u]
}

func TestHealthURL(t *testing.T) {
	cases := []struct {
		name    string
		svc     docker.ComposeService
		answer  []string
		url     string
		guessed bool
		note    string
	}{
		{"health check, port published",
			docker.ComposeService{HealthCheck: []string{"CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"},
				Published: []docker.PublishedPort{{Container: 8080, HostIP: "0.0.0.0", Host: 18080}}},
			nil, "http://127.0.0.1:18080/healthz", false, "from its health check, port 8080 published as 18080"},
		{"health check, bound to one address",
			docker.ComposeService{HealthCheck: []string{"CMD", "wget", "-qO-", "http://127.0.0.1:3000/api/ping"},
				Published: []docker.PublishedPort{{Container: 3000, HostIP: "127.0.0.2", Host: 13000}}},
			nil, "http://127.0.0.2:13000/api/ping", false, "port 3000 published as 13000"},
		{"health check, host network",
			docker.ComposeService{HealthCheck: []string{"CMD", "curl", "-f", "https://localhost/health"}, HostNetwork: true},
			nil, "https://127.0.0.1:443/health", false, "from its health check (host network)"},
		{"health check on a port not published, nothing else answers",
			docker.ComposeService{HealthCheck: []string{"CMD", "curl", "http://localhost:9000/up"}},
			nil, "", false, "its health check asks http://localhost:9000/up inside the container, and port 9000 is not published"},
		{"a published port answers a common path",
			docker.ComposeService{Published: []docker.PublishedPort{{Container: 80, Host: 8081}}},
			[]string{"http://127.0.0.1:8081/healthz"}, "http://127.0.0.1:8081/healthz", true, "guessed: answered when opsdeck init asked it (port 8081 published from 80)"},
		{"host network: the port of its environment",
			docker.ComposeService{HostNetwork: true, EnvPorts: []docker.EnvPort{{Name: "PORT", Port: 18081}}, HealthCheck: []string{"CMD", "/fleetsvc", "-check"}},
			[]string{"http://127.0.0.1:18081/api/health"}, "http://127.0.0.1:18081/api/health", true, "(port 18081 from PORT=18081, host network)"},
		{"a bridge network's environment port is not reachable",
			docker.ComposeService{EnvPorts: []docker.EnvPort{{Name: "PORT", Port: 18081}}},
			[]string{"http://127.0.0.1:18081/api/health"}, "", false, "no port is reachable from the host"},
		{"nothing answers",
			docker.ComposeService{Published: []docker.PublishedPort{{Container: 5432, Host: 5432}}},
			nil, "", false, "nothing answered /health, /healthz, /api/health, /-/healthy, /status, /ping on port 5432"},
	}
	for _, c := range cases {
		a := &answers{ok: map[string]bool{}}
		for _, u := range c.answer {
			a.ok[u] = true
		}
		got := HealthURL(context.Background(), c.svc, a.probe)
		if got.HealthURL != c.url || got.Guessed != c.guessed || !strings.Contains(got.HealthNote, c.note) {
			t.Errorf("%s: %q guessed %v (%s), want %q guessed %v (…%s…)", c.name, got.HealthURL, got.Guessed, got.HealthNote, c.url, c.guessed, c.note)
		}
		for _, u := range a.asked {
			if !strings.HasPrefix(u, "http://127.0.0.1:") {
				t.Errorf("%s: probed %s, off this machine", c.name, u)
			}
		}
	}
}

// The probes of one service stop at the first answer and stay within
// maxProbePorts ports.
func TestHealthURLBounded(t *testing.T) {
	var svc docker.ComposeService
	for p := 1; p <= 10; p++ {
		svc.Published = append(svc.Published, docker.PublishedPort{Container: p, Host: 10000 + p})
	}
	a := &answers{}
	HealthURL(context.Background(), svc, a.probe)
	if want := maxProbePorts * len(healthPaths); len(a.asked) != want {
		t.Errorf("%d probes, want %d", len(a.asked), want)
	}
}

// What YAML writes loads, with every service as found, and says where each
// choice came from.
func TestYAMLLoads(t *testing.T) {
	svc := func(project, service, name string, comp backend.Component, url string, guessed bool) Service {
		s := Service{ComposeService: docker.ComposeService{Project: project, Service: service, Name: name, Component: comp,
			ComponentFrom: docker.FromServiceName, Containers: 1}, HealthURL: url, Guessed: guessed}
		if guessed {
			s.HealthNote = "guessed: answered when opsdeck init asked it (port 8081 published from 80)"
		}
		return s
	}
	f := Found{
		Environment: "mac-mini",
		Engine:      docker.Endpoint{Name: "local", Host: "tcp://127.0.0.1:2376", Why: "DOCKER_HOST", TLS: &docker.TLSFiles{CA: "/c/ca.pem", Cert: "/c/cert.pem", Key: "/c/key.pem"}},
		Projects:    true,
		Services: []Service{
			svc("chat", "backend", "chat-backend", backend.ComponentBackend, "http://127.0.0.1:8081/healthz", true),
			svc("chat", "frontend", "chat-frontend", backend.ComponentWeb, "", false),
			svc("chat", "Admin", "chat-Admin", backend.ComponentBackend, "", false),
			svc("1984", "api", "1984-api", backend.ComponentBackend, "", false),
		},
		Prometheus:   HTTPSource{URL: "http://127.0.0.1:9090", Note: "answered http://127.0.0.1:9090/-/ready"},
		Alertmanager: HTTPSource{Note: "none answered at http://127.0.0.1:9093"},
		At:           time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC),
	}
	text := YAML(f)
	cfg, err := config.Parse("/home/ana/.config/opsdeck/config.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var names []string
	for _, s := range cfg.Services() {
		names = append(names, s.Project+"/"+s.Name+"/"+string(s.Component)+"/"+s.HealthURL)
	}
	if got, want := strings.Join(names, " "), "chat/chat-backend/backend/http://127.0.0.1:8081/healthz chat/chat-frontend/web/ 1984/1984-api/backend/"; got != want {
		t.Errorf("services %s, want %s\n%s", got, want, text)
	}
	d := cfg.Sources.Docker[0]
	if d.Name != "local" || d.Host != "tcp://127.0.0.1:2376" || d.TLS == nil || d.TLS.CertFile != "/c/cert.pem" {
		t.Errorf("docker %+v", d)
	}
	if cfg.Sources.Prometheus == nil || cfg.Sources.Alertmanager != nil {
		t.Errorf("prometheus %+v alertmanager %+v", cfg.Sources.Prometheus, cfg.Sources.Alertmanager)
	}
	for _, want := range []string{
		"# health_url guessed: answered when opsdeck init asked it",
		`# compose service "Admin": "chat-Admin" is not a name opsdeck takes`,
		"# found by DOCKER_HOST",
		"# Alertmanager: none answered at http://127.0.0.1:9093",
		"# Written by opsdeck init on 2026-12-03 12:00 UTC",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}

// An engine found through a context is written as the context for opsdeck
// init, and as its host for a start without a config; with no compose
// service there are no projects, and the config still loads.
func TestYAMLContextAndNoProjects(t *testing.T) {
	ep := docker.Endpoint{Name: "Colima", Host: "unix:///Users/ana/.colima/default/docker.sock", Why: "context Colima (docker context use)"}
	for _, useContext := range []bool{true, false} {
		text := YAML(Found{Environment: "mac", Engine: ep, UseContext: useContext, Projects: true})
		cfg, err := config.Parse("c.yaml", []byte(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		d := cfg.Sources.Docker[0]
		if d.Name != "colima" || (d.Context == "Colima") != useContext || (d.Host == ep.Host) == useContext {
			t.Errorf("context %v: %+v\n%s", useContext, d, text)
		}
		if len(cfg.Projects) != 0 || !strings.Contains(text, "no compose container was found") {
			t.Errorf("projects %+v\n%s", cfg.Projects, text)
		}
	}
}

// The service label is the candidate whose values hold the most services
// found; a server that does not answer gives none.
func TestServiceLabel(t *testing.T) {
	values := map[string][]string{
		"job":     {"node", "cadvisor", "chat-backend"},
		"service": {"chat-backend", "chat-web", "other"},
		"app":     {"chat-web"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/prom/api/v1/label/"), "/values")
		v, ok := values[l]
		if !ok {
			v = []string{}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": v})
	}))
	defer srv.Close()
	names := []string{"chat-backend", "chat-web", "picture-backend"}
	if l, n := ServiceLabel(context.Background(), srv.URL+"/prom/", names, time.Second); l != "service" || n != 2 {
		t.Errorf("%q %d, want service 2", l, n)
	}
	if l, n := ServiceLabel(context.Background(), srv.URL+"/prom", []string{"nothing"}, time.Second); l != "" || n != 0 {
		t.Errorf("%q %d, want none", l, n)
	}
	srv.Close()
	if l, _ := ServiceLabel(context.Background(), srv.URL+"/prom", names, time.Second); l != "" {
		t.Errorf("a server that is gone: %q", l)
	}
	text := YAML(Found{Environment: "e", Engine: docker.Endpoint{Name: "local", Host: "unix:///x.sock", Why: "default socket"},
		Prometheus: HTTPSource{URL: "http://127.0.0.1:9090", ServiceLabel: "service", Matched: 2, OfServices: 3}})
	cfg, err := config.Parse("c.yaml", []byte(text))
	if err != nil || cfg.Sources.Prometheus.ServiceLabel != "service" || !strings.Contains(text, "service_label guessed: 2 of the 3 services") {
		t.Errorf("%v\n%s", err, text)
	}
}
