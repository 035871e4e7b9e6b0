package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// Guard is the runner's own check of a deployment step, whatever screen
// or session asked for it: a decommission of the old colour is refused
// while its rollback window runs (or while it still takes traffic), at
// the plan and again just before it executes (a promote in between opens
// a new window). Every other action passes to Next unchanged.
type Guard struct {
	Next  backend.ActionExecutor
	Specs []Spec
	// Snapshot is the fleet now; Pairs reads the audit trail (the steps
	// taken, when the cutover was).
	Snapshot func() backend.Snapshot
	Pairs    func(ctx context.Context) ([]audit.Pair, error)
	Now      func() time.Time
}

var _ backend.ActionExecutor = (*Guard)(nil)

func (g *Guard) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	if err := g.check(ctx, a); err != nil {
		return backend.Plan{}, err
	}
	return g.Next.Plan(ctx, a)
}

func (g *Guard) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	if err := g.check(ctx, p.Action); err != nil {
		return err
	}
	return g.Next.Execute(ctx, p, out)
}

// check refuses a decommission its project's status does not allow.
func (g *Guard) check(ctx context.Context, a backend.Action) error {
	if a.Kind != backend.ActKindCommand || a.Params["step"] != StepDecommission {
		return nil
	}
	var spec Spec
	found := false
	for _, s := range g.Specs {
		if s.Project == a.Params["project"] {
			spec, found = s, true
		}
	}
	if !found {
		return fmt.Errorf("decommission refused: %q is not a configured deployment", a.Params["project"])
	}
	pairs, err := g.Pairs(ctx)
	if err != nil {
		// Without the trail the cutover time is unknown: no decommission.
		return fmt.Errorf("decommission refused: the audit log cannot be read to find the cutover: %w", err)
	}
	snap := g.Snapshot()
	st := Evaluate(spec, snap, History(spec, pairs, snap), g.Now())
	return st.CanDecommission(g.Now())
}
