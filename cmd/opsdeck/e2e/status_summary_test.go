//go:build unix

package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// `status --json` carries the overview's tiles as figures (summary) and
// each service's memory_pct, and they say what the console says: the
// demo's "14 / 15" with picture-backend's memory at 85 %.
func TestStatusSummaryMatchesTheConsole(t *testing.T) {
	t.Parallel()
	r := runOpsdeck(t, nil, "--seed", "1", "status", "--json")
	if r.code != 1 {
		t.Fatalf("status --json exit %d, want 1 (the demo has a warning); stderr %s", r.code, r.stderr)
	}
	var doc struct {
		Summary struct {
			Healthy        int            `json:"services_healthy"`
			Total          int            `json:"services_total"`
			Status         string         `json:"services_status"`
			RPS            *float64       `json:"rps"`
			WorstP95       *float64       `json:"worst_p95_ms"`
			WorstP95Svc    *string        `json:"worst_p95_service"`
			AlertsFiring   map[string]int `json:"alerts_firing"`
			AlertsSilenced int            `json:"alerts_silenced"`
		} `json:"summary"`
		Services []struct {
			Name   string   `json:"name"`
			MemPct *float64 `json:"memory_pct"`
			P95    *float64 `json:"p95_ms"`
		} `json:"services"`
		Alerts []struct {
			Severity string `json:"severity"`
			State    string `json:"state"`
		} `json:"alerts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	s := doc.Summary
	if s.Healthy != 14 || s.Total != 15 || s.Status != "up" || s.RPS == nil {
		t.Errorf("summary %+v, want 14 / 15 healthy, tile up, a request rate", s)
	}
	worst := 0.0
	for _, svc := range doc.Services {
		if svc.P95 != nil && *svc.P95 > worst {
			worst = *svc.P95
		}
		if svc.Name == "picture-backend" && (svc.MemPct == nil || math.Round(*svc.MemPct) != 85) {
			t.Errorf("picture-backend memory_pct %v, want 85 once rounded (its High Memory warning)", svc.MemPct)
		}
	}
	if s.WorstP95 == nil || *s.WorstP95 != worst || s.WorstP95Svc == nil {
		t.Errorf("worst p95 %v of %v, want %g, the highest service p95", s.WorstP95, s.WorstP95Svc, worst)
	}
	firing := map[string]int{"critical": 0, "warning": 0, "info": 0}
	for _, a := range doc.Alerts {
		if a.State == "firing" {
			firing[a.Severity]++
		}
	}
	if fmt.Sprint(firing) != fmt.Sprint(s.AlertsFiring) {
		t.Errorf("alerts_firing %v, the alerts list says %v", s.AlertsFiring, firing)
	}

	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 120, Height: 40, Args: []string{"--seed", "1"}})
	c.WaitFor(fmt.Sprintf("│ %d / %d ", s.Healthy, s.Total))
}
