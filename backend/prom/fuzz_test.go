package prom

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/manacore/opsdeck/backend"
)

func finite(t *testing.T, what string, v backend.Value) {
	t.Helper()
	if v.Valid && (math.IsNaN(v.V) || math.IsInf(v.V, 0)) {
		t.Fatalf("%s = %v marked valid", what, v.V)
	}
	if !v.Valid && v.V != 0 {
		t.Fatalf("%s: missing value carries %v", what, v.V)
	}
}

// FuzzAssemble: whatever a query returns (vector or matrix, NaN, ±Inf,
// odd labels, huge timestamps), turning results into figures never panics;
// every figure is a finite number or missing, every name reported is a
// non-empty label value, and range series lie on the requested grid.
func FuzzAssemble(f *testing.F) {
	f.Add([]byte(`[{"metric":{"job":"chat-backend","datname":"chat","instance":"https://api.openai.com"},"value":[1732621234.5,"0.42"]}]`))
	f.Add([]byte(`[{"metric":{"job":"a"},"value":[1,"NaN"]},{"metric":{"job":"a"},"value":[2,"+Inf"]},{"metric":{},"value":[3,"-Inf"]}]`))
	f.Add([]byte(`[{"metric":{"job":"chat-backend"},"values":[[1732620000,"0.3"],[1732620900,"NaN"],[1732621800,"1e308"]]}]`))
	f.Add([]byte(`[{"metric":{"job":"\u001b[2J"},"values":[[-9e18,"1"],[9e18,"2"]]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := New(Config{URL: "http://127.0.0.1:9090"})
		if err != nil {
			t.Fatal(err)
		}
		var vec model.Vector
		var mat model.Matrix
		var vals []model.Value
		if json.Unmarshal(data, &vec) == nil {
			vals = append(vals, vec)
		}
		if json.Unmarshal(data, &mat) == nil {
			vals = append(vals, mat)
		}
		for _, v := range vals {
			results := make([]model.Value, len(s.figures))
			for i := range results {
				results[i] = v
			}
			p := s.assemble(results)
			for name, m := range p.Metrics {
				if name == "" {
					t.Fatal("a service with no name")
				}
				for what, x := range map[string]backend.Value{"rps": m.RPS, "err": m.ErrorRatePct, "p95": m.P95MS, "avg": m.AvgLatencyMS, "cpu": m.CPUPct, "mem": m.MemPct, "bytes": m.MemBytes} {
					finite(t, name+" "+what, x)
				}
				finite(t, name+" uptime", p.Uptime[name])
			}
			for _, d := range p.Databases {
				if d.Name == "" {
					t.Fatal("a database with no name")
				}
				for what, x := range map[string]backend.Value{"conns": d.Connections, "max": d.MaxConnections, "avg": d.AvgQueryMS, "slow": d.SlowQueries, "hit": d.CacheHitPct} {
					finite(t, d.Name+" "+what, x)
				}
			}
			for _, d := range p.Dependencies {
				finite(t, d.Name+" latency", d.LatencyMS)
				finite(t, d.Name+" success", d.SuccessPct)
			}
			start := time.Unix(1732620000, 0)
			end, step := start.Add(time.Hour), 15*time.Minute
			for name, ser := range toSeries(v, "job", start, end, step, 1000) {
				if name == "" || len(ser.Points) != 5 || !ser.Start.Equal(start) || ser.Step != step {
					t.Fatalf("series %q: %d points from %v step %v", name, len(ser.Points), ser.Start, ser.Step)
				}
				for _, x := range ser.Points {
					finite(t, name+" point", x)
				}
			}
		}
	})
}

// FuzzConvertAlerts: whatever Prometheus lists as alerts, conversion
// never panics and keeps only firing and pending ones, each with a known
// severity, sorted as the console shows them.
func FuzzConvertAlerts(f *testing.F) {
	f.Add([]byte(`[{"labels":{"alertname":"HighLatency","severity":"critical","job":"chat-backend"},"annotations":{"summary":"p95 2.5s"},"state":"firing","activeAt":"2026-11-26T12:00:00Z","value":"2.5e+00"}]`))
	f.Add([]byte(`[{"labels":{"alertname":"X","severity":"PAGE"},"state":"pending"},{"labels":{},"state":"inactive"},{"state":"firing"}]`))
	f.Add([]byte(`[{"labels":{"alertname":"\u001b]52;c;eA==\u0007"},"annotations":{"summary":"\u202e"},"state":"firing"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in []v1.Alert
		if json.Unmarshal(data, &in) != nil {
			return
		}
		out := convertAlerts(in, "job")
		if len(out) > len(in) {
			t.Fatalf("%d alerts from %d", len(out), len(in))
		}
		for i, a := range out {
			switch a.Severity {
			case backend.SeverityCritical, backend.SeverityWarning, backend.SeverityInfo:
			default:
				t.Fatalf("severity %q", a.Severity)
			}
			if a.State != backend.AlertFiring && a.State != backend.AlertPending {
				t.Fatalf("state %q", a.State)
			}
			if a.Name != a.Labels["alertname"] {
				t.Fatalf("name %q, label %q", a.Name, a.Labels["alertname"])
			}
			if i > 0 && backend.SeverityRank(out[i-1].Severity) > backend.SeverityRank(a.Severity) && out[i-1].State == a.State {
				t.Fatalf("not sorted: %s before %s", out[i-1].Severity, a.Severity)
			}
		}
	})
}
