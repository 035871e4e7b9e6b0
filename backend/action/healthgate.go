package action

import (
	"context"
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// HealthGate runs an action, then waits until the target service's HTTP
// health check passes: a rollback by remote command is only done when the
// service answers again (the seed: "./scripts/rollback.sh chat v1.5.2,
// then health-check").
type HealthGate struct {
	backend.ActionExecutor
	// Check runs the service's health check; ok=false when the service
	// has no health URL (nothing to wait for).
	Check   func(ctx context.Context, service string) (res backend.CheckResult, ok bool)
	Timeout time.Duration // default 2m
	Every   time.Duration // default 2s
}

// Plan adds the wait to the plan's steps and timeout.
func (g HealthGate) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	p, err := g.ActionExecutor.Plan(ctx, a)
	if err != nil {
		return p, err
	}
	p.Steps = append(p.Steps, fmt.Sprintf("then wait until the health check of %s passes (at most %s)", a.Target, g.timeout()))
	if p.Timeout > 0 {
		p.Timeout += g.timeout()
	}
	return p, nil
}

func (g HealthGate) timeout() time.Duration {
	if g.Timeout > 0 {
		return g.Timeout
	}
	return 2 * time.Minute
}

// Execute runs the action, then polls the health check.
func (g HealthGate) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	// The plan the inner executor made has no health step: it compares
	// steps to refuse a changed plan.
	inner := p
	if n := len(p.Steps); n > 0 {
		inner.Steps = p.Steps[:n-1]
	}
	if err := g.ActionExecutor.Execute(ctx, inner, out); err != nil {
		return err
	}
	say := func(s string) { out(backend.OutputLine{At: time.Now(), Stream: "info", Text: s}) }
	ctx, cancel := context.WithTimeout(ctx, g.timeout())
	defer cancel()
	every := g.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	for {
		res, ok := g.Check(ctx, p.Action.Target)
		switch {
		case !ok:
			say(p.Action.Target + " has no health_url: not checked")
			return nil
		case res.OK:
			say(fmt.Sprintf("health check passed: HTTP %d in %s", res.Code, res.Latency.Round(time.Millisecond)))
			return nil
		}
		why := res.Err
		if why == "" {
			why = fmt.Sprintf("HTTP %d", res.Code)
		}
		say("health check failing: " + why)
		select {
		case <-ctx.Done():
			return fmt.Errorf("health check of %s still failing (%s): %w", p.Action.Target, why, ctx.Err())
		case <-time.After(every):
		}
	}
}
