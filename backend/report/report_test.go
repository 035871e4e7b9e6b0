package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func snapshot() backend.Snapshot {
	return backend.Snapshot{
		Environment: "prod", At: now, Thresholds: backend.DefaultThresholds(),
		Sources: []backend.SourceStatus{
			{Name: "docker@local", Kind: "docker", OK: true, UpdatedAt: now, LastAttempt: now},
			{Name: "prometheus", Kind: "prometheus", OK: true, UpdatedAt: now, LastAttempt: now},
		},
		Services: []backend.Service{
			{Project: "chat", Component: backend.ComponentBackend, Name: "chat-backend", Host: "prod-1",
				Containers: []backend.Container{
					{Name: "chat-backend-1", State: backend.StateRunning, Health: backend.HealthHealthy, Version: "v1.6.0", StartedAt: now.Add(-time.Hour), Restarts: 1},
					{Name: "chat-backend-2", State: backend.StateRunning, Health: backend.HealthUnhealthy, Version: "v1.6.0", StartedAt: now.Add(-time.Hour), Restarts: 2},
				},
				Metrics: backend.Metrics{RPS: backend.Some(120), ErrorRatePct: backend.Some(0.5), P95MS: backend.Some(420)}},
			{Project: "chat", Component: backend.ComponentWeb, Name: "chat-web"},
		},
		Databases:    []backend.DBPool{{Name: "chat", Up: true, Connections: backend.Some(8), MaxConnections: backend.Some(10), CacheHitPct: backend.Some(98.5)}},
		Dependencies: []backend.Dependency{{Name: "Redis Cache", Up: true, LatencyMS: backend.Some(2), SuccessPct: backend.Some(100), CheckedAt: now}},
	}
}

// TestJSONContract pins the field names scripts rely on and that missing
// values are null.
func TestJSONContract(t *testing.T) {
	b, err := json.Marshal(FromSnapshot(snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		var out []string
		for k := range v.(map[string]any) {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	want := map[string][]string{
		"":             {"alerts", "databases", "demo", "demo_reason", "dependencies", "deployments", "environment", "generated_at", "schema_version", "services", "sources", "summary"},
		"sources":      {"error", "infos", "kind", "name", "ok", "updated_at", "warnings"},
		"services":     {"component", "cpu_pct", "error_rate", "findings", "health", "host", "mem_bytes", "memory_pct", "name", "p95_ms", "project", "restarts", "rps", "started_at", "state", "status", "version"},
		"databases":    {"avg_query_ms", "cache_hit_ratio", "connections", "max_connections", "name", "slow_queries", "status", "up"},
		"dependencies": {"checked_at", "latency_ms", "name", "status", "success_ratio", "up"},
		"summary": {"alerts_firing", "alerts_silenced", "avg_latency_ms", "error_rate", "rps", "services_healthy", "services_status",
			"services_total", "worst_p95_ms", "worst_p95_service"},
	}
	for section, fields := range want {
		var obj any = doc
		switch section {
		case "":
		case "summary":
			obj = doc[section]
		default:
			obj = doc[section].([]any)[0]
		}
		if got := keys(obj); !slices.Equal(got, fields) {
			t.Errorf("%s fields = %v, want %v", section, got, fields)
		}
	}
	svc := doc["services"].([]any)
	web := svc[1].(map[string]any)
	for _, k := range []string{"rps", "p95_ms", "state", "version", "restarts", "started_at", "cpu_pct"} {
		if web[k] != nil {
			t.Errorf("chat-web %s = %v, want null (no source gave it)", k, web[k])
		}
	}
	be := svc[0].(map[string]any)
	if be["health"] != "unhealthy" || be["restarts"] != 3.0 || be["status"] != "down" || be["rps"] != 120.0 {
		t.Errorf("chat-backend worst health, summed restarts, status: %v", be)
	}
	if r := doc["databases"].([]any)[0].(map[string]any)["cache_hit_ratio"]; r != 0.985 {
		t.Errorf("cache_hit_ratio = %v, want 0.985", r)
	}
}

func TestExitCode(t *testing.T) {
	healthy := snapshot()
	healthy.Services = healthy.Services[:1]
	healthy.Services[0].Containers = healthy.Services[0].Containers[:1]
	healthy.Databases[0].Connections = backend.Some(5)
	if got := FromSnapshot(healthy).ExitCode(); got != ExitHealthy {
		t.Fatalf("healthy fleet exit %d", got)
	}
	firing := healthy
	firing.Alerts = []backend.Alert{{Name: "X", Severity: backend.SeverityInfo}}
	if got := FromSnapshot(firing).ExitCode(); got != ExitDegraded {
		t.Fatalf("firing alert exit %d", got)
	}
	silenced := healthy
	silenced.Alerts = []backend.Alert{{Name: "X", Severity: backend.SeverityWarning, State: backend.AlertSilenced}}
	if got := FromSnapshot(silenced).ExitCode(); got != ExitHealthy {
		t.Fatalf("silenced alert exit %d: someone is on it, it does not make the fleet degraded", got)
	}
	if got := FromSnapshot(snapshot()).ExitCode(); got != ExitDegraded {
		t.Fatalf("unhealthy container exit %d", got)
	}
	down := snapshot()
	down.Sources = append([]backend.SourceStatus(nil), down.Sources...)
	down.Sources[1].OK, down.Sources[1].Err = false, "connection refused"
	if got := FromSnapshot(down).ExitCode(); got != ExitUnreachable {
		t.Fatalf("unreachable source exit %d", got)
	}
	// The codes scripts test for: the monitoring-plugins order, 2 being
	// the command line's usage/config error.
	if ExitHealthy != 0 || ExitDegraded != 1 || ExitUnreachable != 3 {
		t.Fatalf("exit codes %d/%d/%d, want 0/1/3", ExitHealthy, ExitDegraded, ExitUnreachable)
	}
}

func TestTable(t *testing.T) {
	var buf bytes.Buffer
	if err := FromSnapshot(snapshot()).WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"opsdeck status · prod", "chat-backend", "DOWN", "chat-backend-2 unhealthy", "chat-web", "8/10", "98.5%", "Redis Cache", "(none)",
		"0 / 2 services healthy (DOWN) · 120.0 req/s · errors 0.50% · avg latency – · worst p95 420 ms (chat-backend) · alerts firing: 0 critical, 0 warning, 0 info"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestMarkdown(t *testing.T) {
	s := snapshot()
	s.Alerts = []backend.Alert{{Name: "X", Severity: backend.SeverityWarning, Service: "chat-backend", Summary: "a | b\nc", State: backend.AlertFiring, Since: now}}
	var buf bytes.Buffer
	if err := FromSnapshot(s).WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"# opsdeck status · prod", "## Service status", "| chat-backend | chat | prod-1 | DOWN |", `a \| b c`, "| chat | UP | 8 / 10 |", "| Redis Cache | true | 2 ms | 100.0% |",
		"## System health overview", "| 0 / 2 healthy (DOWN) | 120.0 req/s | 0.50% | – | 420 ms (chat-backend) | 0 critical, 1 warning, 0 info |",
		"## Resource utilization", "| chat-backend | – | – | – |"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

// The summary says what the overview's tiles say (the same Summarize), so a
// script and the console never disagree, and counts alerts by severity.
func TestSummaryIsTheOverview(t *testing.T) {
	s := snapshot()
	s.Services[1].Metrics = backend.Metrics{RPS: backend.Some(40), ErrorRatePct: backend.Some(0), P95MS: backend.Some(90), MemPct: backend.Some(61)}
	s.Alerts = []backend.Alert{
		{Name: "A", Severity: backend.SeverityCritical, State: backend.AlertFiring},
		{Name: "B", Severity: backend.SeverityCritical, State: backend.AlertFiring},
		{Name: "C", Severity: backend.SeverityWarning, State: backend.AlertSilenced},
		{Name: "D", Severity: backend.SeverityInfo, State: backend.AlertPending},
	}
	got := FromSnapshot(s).Summary
	tiles := s.Summarize()
	if got.ServicesHealthy != tiles.Healthy || got.ServicesTotal != 2 || got.ServicesStatus != tiles.ServicesStatus ||
		got.RPS != tiles.RPS || got.ErrorRate != tiles.ErrorRatePct || got.AvgLatencyMS != tiles.AvgLatencyMS {
		t.Errorf("summary %+v differs from the overview's %+v", got, tiles)
	}
	if got.RPS != backend.Some(160) || got.ErrorRate != backend.Some(0.375) {
		t.Errorf("rps %+v error rate %+v, want 160 and 0.375 (weighted by request rate)", got.RPS, got.ErrorRate)
	}
	if got.WorstP95MS != backend.Some(420) || got.WorstP95Service == nil || *got.WorstP95Service != "chat-backend" {
		t.Errorf("worst p95 %+v of %v, want 420 of chat-backend", got.WorstP95MS, got.WorstP95Service)
	}
	if want := map[string]int{"critical": 2, "warning": 0, "info": 0}; !maps.Equal(got.AlertsFiring, want) || got.AlertsSilenced != 1 {
		t.Errorf("alerts firing %v silenced %d, want %v and 1 (a pending alert is not firing)", got.AlertsFiring, got.AlertsSilenced, want)
	}
	if m := FromSnapshot(s).Services[1].MemPct; m != backend.Some(61) {
		t.Errorf("memory_pct %+v, want 61", m)
	}
	empty := FromSnapshot(backend.Snapshot{}).Summary
	if empty.RPS.Valid || empty.WorstP95MS.Valid || empty.WorstP95Service != nil || empty.AlertsFiring["critical"] != 0 {
		t.Errorf("an empty fleet's summary invents figures: %+v", empty)
	}
}
