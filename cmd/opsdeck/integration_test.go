//go:build integration

package main

import (
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/backend/testbed"
)

// TestStatusAgainstTestbed runs `opsdeck status --json` against the real
// local fleet: real containers on dockerd, real Prometheus, Alertmanager,
// PostgreSQL with postgres_exporter and blackbox_exporter.
func TestStatusAgainstTestbed(t *testing.T) {
	tb := testbed.Need(t, testbed.Config)
	code, rep, errOut := statusJSON(t, tb[testbed.Config])
	for _, s := range rep.Sources {
		if !s.OK {
			t.Errorf("source %s failed: %v", s.Name, *s.Error)
		}
	}
	// picture-backend answers 10% of its requests with 500 and the always
	// firing test alert is active: degraded, not unreachable.
	if code != report.ExitDegraded {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, errOut)
	}
	byName := map[string]report.Service{}
	for _, s := range rep.Services {
		byName[s.Name] = s
	}
	for _, name := range []string{"chat-backend", "chat-web", "picture-backend"} {
		s, ok := byName[name]
		if !ok {
			t.Fatalf("%s not discovered: %+v", name, rep.Services)
		}
		if s.State == nil || *s.State != "running" || s.Version == nil || *s.Version != "v1.0.0" || s.Host == nil {
			t.Errorf("%s: state %v version %v host %v", name, s.State, s.Version, s.Host)
		}
		// The bed has no cAdvisor: CPU and memory come from Docker stats.
		if !s.CPUPct.Valid || !s.MemBytes.Valid || s.MemBytes.V <= 0 {
			t.Errorf("%s: cpu %v mem %v, want figures from docker stats", name, s.CPUPct, s.MemBytes)
		}
		if !s.RPS.Valid || !s.P95MS.Valid {
			t.Errorf("%s: rps %v p95 %v, want figures from prometheus", name, s.RPS, s.P95MS)
		}
	}
	var firing []string
	for _, a := range rep.Alerts {
		firing = append(firing, a.Name)
	}
	if !strings.Contains(strings.Join(firing, ","), "TestbedAlwaysFiring") {
		t.Errorf("alerts %v lack TestbedAlwaysFiring", firing)
	}
	if len(rep.Databases) != 3 || !rep.Databases[0].MaxConnections.Valid || rep.Databases[0].MaxConnections.V != 20 {
		t.Errorf("databases %+v", rep.Databases)
	}
	if len(rep.Dependencies) != 1 || !rep.Dependencies[0].Up {
		t.Errorf("dependencies %+v", rep.Dependencies)
	}
}

// TestStatusWithPrometheusDown: a source that cannot be reached marks
// only itself, and status says so with exit 3 and a warning on stderr.
func TestStatusWithPrometheusDown(t *testing.T) {
	tb := testbed.Need(t, testbed.Config)
	cfg, err := os.ReadFile(tb[testbed.Config])
	if err != nil {
		t.Fatal(err)
	}
	// Port 9 (discard) on loopback: nothing listens there.
	broken := strings.Replace(string(cfg), "http://127.0.0.1:19090", "http://127.0.0.1:9", 1)
	code, rep, errOut := statusJSON(t, writeConfig(t, broken))
	if code != report.ExitUnreachable {
		t.Fatalf("exit %d, want 3", code)
	}
	if !strings.Contains(errOut, `level=WARN msg="source failing" source=prometheus`) || !strings.Contains(errOut, "connection refused") {
		t.Errorf("stderr does not say which source failed and why: %q", errOut)
	}
	for _, s := range rep.Sources {
		if (s.Kind == "prometheus") == s.OK {
			t.Errorf("source %s ok=%v: only prometheus should fail", s.Name, s.OK)
		}
	}
	for _, s := range rep.Services {
		if s.State == nil || s.RPS.Valid {
			t.Errorf("%s: docker state must stay, metrics must be null: state %v rps %v", s.Name, s.State, s.RPS)
		}
	}
}
