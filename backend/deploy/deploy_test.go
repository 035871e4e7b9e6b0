package deploy

import (
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

var t0 = time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)

var spec = Spec{Project: "chat", Service: "chat-backend", Commands: Commands{Shift: "chat-shift", Promote: "chat-switch"}}

// fleet is chat-backend with blue v1.5.2 (started 3h before t0) and green
// v1.6.0 (started at t0), and per-colour figures rps/err%/p95ms.
func fleet(blue, green backend.Metrics) backend.Snapshot {
	c := func(name, colour, v string, at time.Time) backend.Container {
		return backend.Container{Name: name, Colour: colour, Version: v, State: backend.StateRunning, Health: backend.HealthHealthy, StartedAt: at}
	}
	return backend.Snapshot{At: t0, Services: []backend.Service{{
		Project: "chat", Name: "chat-backend",
		Containers: []backend.Container{
			c("chat-backend-blue-1", "blue", "v1.5.2", t0.Add(-3*time.Hour)),
			c("chat-backend-blue-2", "blue", "v1.5.2", t0.Add(-3*time.Hour+time.Minute)),
			c("chat-backend-green-1", "green", "v1.6.0", t0),
			{Name: "other-1", Version: "v9"}, // uncoloured: belongs to neither
		},
		ColourMetrics: map[string]backend.Metrics{"blue": blue, "green": green},
	}}}
}

func m(rps, errPct, p95 float64) backend.Metrics {
	return backend.Metrics{RPS: backend.Some(rps), ErrorRatePct: backend.Some(errPct), P95MS: backend.Some(p95)}
}

func TestVerdicts(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	cases := []struct {
		name        string
		blue, green backend.Metrics
		want        Verdict
		reason      string
	}{
		{"seed canary passes", m(90, 0.05, 120), m(10, 0.1, 850), VerdictPromote, "green v1.6.0 passes at 10%: error rate 0.10% < 1.00%, p95 850ms < 1000ms"},
		{"error rate at the limit fails", m(90, 0, 100), m(10, 1.0, 100), VerdictRollback, "error rate 1.00% ≥ 1.00%"},
		{"slow canary fails", m(90, 0, 100), m(10, 0, 1200), VerdictRollback, "p95 1200ms ≥ 1000ms; send the traffic back to blue"},
		{"no traffic yet", m(100, 0, 100), m(0, 0, 0), VerdictHold, "takes no traffic yet"},
		{"p95 missing", m(90, 0, 100), backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(0)}, VerdictHold, "p95 unknown, waiting for data"},
		{"split unknown", backend.Metrics{}, backend.Metrics{}, VerdictHold, "traffic split unknown"},
		{"blue failing does not stop green", m(90, 50, 3000), m(10, 0.1, 200), VerdictPromote, "passes"},
		{"cutover keeps the window", m(0, 0, 0), m(100, 0.1, 200), VerdictHold, "rollback window 50m0s left, keep blue running"},
	}
	for _, c := range cases {
		st := Evaluate(spec, fleet(c.blue, c.green), nil, now)
		if st.Verdict != c.want || !strings.Contains(st.Reason, c.reason) {
			t.Errorf("%s: %s %q, want %s containing %q", c.name, st.Verdict, st.Reason, c.want, c.reason)
		}
	}
	st := Evaluate(spec, fleet(m(90, 0, 100), m(10, 0, 100)), nil, now)
	if st.Candidate != "green" || st.Stable != "blue" || st.Env("blue").Up != 2 || st.Env("green").Total != 1 ||
		!st.Env("blue").LiveSince.Equal(t0.Add(-3*time.Hour)) || st.Env("green").Version() != "v1.6.0" ||
		st.Env("green").Share.V != 10 || st.SplitFrom != SplitMetrics {
		t.Errorf("status %+v", st)
	}
}

func TestMinRPSHolds(t *testing.T) {
	s := spec
	s.Gates.MinRPS = 1
	st := Evaluate(s, fleet(m(99.5, 0, 100), m(0.5, 0, 100)), nil, t0)
	if st.Verdict != VerdictHold || !strings.Contains(st.Reason, "below the 1.00 the gates need") {
		t.Errorf("%s %q", st.Verdict, st.Reason)
	}
}

func TestOneColourAndNone(t *testing.T) {
	snap := fleet(m(100, 5, 100), backend.Metrics{})
	snap.Services[0].Containers = snap.Services[0].Containers[:2]
	st := Evaluate(spec, snap, nil, t0)
	if st.Verdict != VerdictHold || st.Candidate != "" || !strings.Contains(st.Reason, "only blue runs (v1.5.2); error rate 5.00% ≥ 1.00%") {
		t.Errorf("%s %q", st.Verdict, st.Reason)
	}
	st = Evaluate(spec, backend.Snapshot{}, nil, t0)
	if st.Verdict != VerdictHold || !strings.Contains(st.Reason, "no blue or green container of chat-backend runs") {
		t.Errorf("%s %q", st.Verdict, st.Reason)
	}
}

// TestRollbackWindow: the window counts from the last promote in the
// audit log (else the candidate's start) and decommissioning waits for it.
func TestRollbackWindow(t *testing.T) {
	snap := fleet(m(0, 0, 0), m(100, 0.1, 200))
	promoted := t0.Add(20 * time.Minute)
	hist := []Event{
		{At: promoted, Step: StepPromote, Colour: "green", Result: "ok"},
		{At: t0.Add(15 * time.Minute), Step: StepPromote, Colour: "green", Result: "failed"},
	}
	st := Evaluate(spec, snap, hist, promoted.Add(45*time.Minute))
	if !st.CutoverAt.Equal(promoted) || st.WindowLeft != 15*time.Minute || !strings.Contains(st.Reason, "rollback window 15m0s left") {
		t.Fatalf("cutover %s left %s %q", st.CutoverAt, st.WindowLeft, st.Reason)
	}
	if err := st.CanDecommission(promoted.Add(45 * time.Minute)); err == nil || !strings.Contains(err.Error(), "rollback window runs for 15m0s more") {
		t.Errorf("decommission during the window: %v", err)
	}
	later := promoted.Add(time.Hour)
	st = Evaluate(spec, snap, hist, later)
	if st.WindowLeft != 0 || !strings.Contains(st.Reason, "blue may be decommissioned") {
		t.Errorf("after the window: %s %q", st.WindowLeft, st.Reason)
	}
	if err := st.CanDecommission(later); err != nil {
		t.Errorf("decommission after the window: %v", err)
	}
	// Without a promote in the log the window runs from green's start.
	st = Evaluate(spec, snap, nil, t0.Add(59*time.Minute))
	if !st.CutoverAt.Equal(t0) || st.WindowLeft != time.Minute {
		t.Errorf("fallback cutover %s left %s", st.CutoverAt, st.WindowLeft)
	}
	// Blue still has traffic: never decommissioned.
	st = Evaluate(spec, fleet(m(50, 0, 100), m(50, 0, 100)), nil, t0.Add(3*time.Hour))
	if err := st.CanDecommission(t0.Add(3 * time.Hour)); err == nil || !strings.Contains(err.Error(), "still takes traffic") {
		t.Errorf("decommission with traffic: %v", err)
	}
}

// TestHistoryAndSplitFromCommands: audited deployment actions of the
// project become history (result from the after entry); without request
// figures the split is the last traffic command that succeeded.
func TestHistoryAndSplitFromCommands(t *testing.T) {
	entry := func(id string, at time.Time, phase audit.Phase, params map[string]string, result string) audit.Entry {
		return audit.Entry{ID: id, Time: at, Phase: phase, User: "alice", Kind: backend.ActKindCommand, Target: "chat-shift", Params: params, Result: result}
	}
	shift := Params(spec, StepShift, "green", "25", "v1.6.0")
	failed := Params(spec, StepShift, "green", "90", "v1.6.0")
	other := Params(Spec{Project: "picture", Service: "picture-backend"}, StepShift, "green", "50", "")
	entries := []audit.Entry{
		entry("a", t0.Add(time.Minute), audit.PhaseBefore, shift, ""),
		entry("a", t0.Add(time.Minute+time.Second), audit.PhaseAfter, shift, "ok"),
		entry("b", t0.Add(2*time.Minute), audit.PhaseBefore, failed, ""),
		entry("b", t0.Add(2*time.Minute+time.Second), audit.PhaseAfter, failed, "failed"),
		entry("c", t0.Add(3*time.Minute), audit.PhaseBefore, other, ""),
		entry("d", t0.Add(4*time.Minute), audit.PhaseBefore, Params(spec, StepPromote, "green", "100", ""), ""),
	}
	snap := fleet(backend.Metrics{}, backend.Metrics{})
	hist := History(spec, audit.Pairs(entries), snap)
	var got []string
	for _, e := range hist {
		got = append(got, e.Step+" "+e.Colour+" "+e.Weight+" "+e.Result)
	}
	want := []string{"promote green 100 running", "shift green 90 failed", "shift green 25 ok", "deployed green  up", "deployed blue  up"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("history\n got %q\nwant %q", got, want)
	}
	st := Evaluate(spec, snap, hist, t0.Add(5*time.Minute))
	if st.SplitFrom != SplitCommand || st.Env("green").Share.V != 25 || st.Env("blue").Share.V != 75 {
		t.Errorf("split from %q: blue %v green %v", st.SplitFrom, st.Env("blue").Share, st.Env("green").Share)
	}
}
