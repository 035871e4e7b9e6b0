package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// recordingExecutor plans and executes anything, counting the executions.
type recordingExecutor struct{ executed int }

func (r *recordingExecutor) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	return backend.Plan{Action: a, Steps: []string{"run " + a.Target}}, nil
}

func (r *recordingExecutor) Execute(context.Context, backend.Plan, func(backend.OutputLine)) error {
	r.executed++
	return nil
}

// The runner refuses a decommission inside the rollback window whoever
// asks for it (the screen checks too, but a second console or a plan
// confirmed before a new promote must not get through), at the plan and
// at the execution; after the window, and for anything else, it passes.
func TestGuardRefusesADecommissionInsideTheWindow(t *testing.T) {
	snap := fleet(m(0, 0, 0), m(100, 0.1, 200)) // green takes all the traffic
	promoted := t0.Add(20 * time.Minute)
	pairs := []audit.Pair{{Before: audit.Entry{Time: promoted, Kind: backend.ActKindCommand, Target: "chat-switch", Result: "running",
		Params: map[string]string{"project": "chat", "step": StepPromote, "colour": "green", "weight": "100"}},
		After: &audit.Entry{Time: promoted.Add(time.Second), Result: "ok"}}}
	now := promoted.Add(10 * time.Minute)
	next := &recordingExecutor{}
	g := &Guard{Next: next, Specs: []Spec{spec}, Snapshot: func() backend.Snapshot { return snap },
		Pairs: func(context.Context) ([]audit.Pair, error) { return pairs, nil }, Now: func() time.Time { return now }}
	down := backend.Action{Kind: backend.ActKindCommand, Target: "chat-down", Params: Params(spec, StepDecommission, "blue", "", "")}

	if _, err := g.Plan(context.Background(), down); err == nil || !strings.Contains(err.Error(), "rollback window runs for 50m0s more") {
		t.Fatalf("plan inside the window: %v", err)
	}
	if err := g.Execute(context.Background(), backend.Plan{Action: down}, func(backend.OutputLine) {}); err == nil || next.executed != 0 {
		t.Fatalf("execute inside the window: err %v, executed %d", err, next.executed)
	}
	shift := backend.Action{Kind: backend.ActKindCommand, Target: "chat-shift", Params: Params(spec, StepShift, "green", "50", "")}
	if _, err := g.Plan(context.Background(), shift); err != nil {
		t.Fatalf("another step is not the guard's: %v", err)
	}
	now = promoted.Add(2 * time.Hour)
	p, err := g.Plan(context.Background(), down)
	if err != nil {
		t.Fatalf("plan after the window: %v", err)
	}
	if err := g.Execute(context.Background(), p, func(backend.OutputLine) {}); err != nil || next.executed != 1 {
		t.Fatalf("execute after the window: err %v, executed %d", err, next.executed)
	}
}
