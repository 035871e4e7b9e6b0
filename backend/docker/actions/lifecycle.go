package actions

import (
	"context"
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// sayFunc streams one progress line.
type sayFunc func(format string, args ...any)

// planLifecycle plans restart, stop and start. Restart and stop are
// confirmed by typing the name (they interrupt service); start is not
// destructive.
func (x *Executor) planLifecycle(ctx context.Context, a backend.Action) (plan, error) {
	allowed := []string{}
	if a.Kind != backend.ActKindRestart {
		allowed = append(allowed, "services")
	}
	names, err := serviceNames(a, allowed...)
	if err != nil {
		return plan{}, err
	}
	ts, notes, err := x.resolve(ctx, a, names)
	if err != nil {
		return plan{}, err
	}
	p := plan{targets: ts, notes: notes, confirm: a.Target}
	if err := nothingToDo(a, len(ts), func(i int) bool { return ts[i].c.Running }); err != nil {
		return plan{}, err
	}
	for _, t := range ts {
		var step string
		switch a.Kind {
		case backend.ActKindRestart:
			p.destructive, p.waits = true, true
			step = fmt.Sprintf("%s: restart %s, %s", t.where(), t.label(), x.waitText(t))
		case backend.ActKindStop:
			p.destructive = true
			step = fmt.Sprintf("%s: stop %s", t.where(), t.label())
			if !t.c.Running {
				step = fmt.Sprintf("%s: %s is %s already, nothing to do", t.where(), t.label(), t.c.State)
			}
		case backend.ActKindStart:
			p.waits = true
			step = fmt.Sprintf("%s: start %s, %s", t.where(), t.label(), x.waitText(t))
			if t.c.Running {
				step = fmt.Sprintf("%s: %s runs already, %s", t.where(), t.label(), x.waitText(t))
			}
		}
		p.steps = append(p.steps, step)
	}
	if a.Kind == backend.ActKindRestart && len(ts) > 1 {
		p.steps = append(p.steps, "one container at a time; a container that does not come back stops the restart")
	}
	return p, nil
}

func (x *Executor) waitText(t target) string {
	if t.c.HasHealthcheck {
		return fmt.Sprintf("wait until healthy (timeout %v)", x.opts.HealthTimeout)
	}
	return fmt.Sprintf("wait until running (timeout %v; no health check)", x.opts.HealthTimeout)
}

// restart is rolling: each container must be back (running, healthy if it
// has a health check) before the next is touched, so a bad restart takes
// down one replica, not the service.
func (x *Executor) restart(ctx context.Context, p plan, say sayFunc) error {
	for i, t := range p.targets {
		say("%s: restarting %s", t.where(), t.label())
		start := time.Now()
		if err := t.eng.Restart(ctx, t.c.ID, x.opts.StopTimeout); err != nil {
			return x.halt(ctx, p, i, fmt.Errorf("%s: %w", t.where(), err))
		}
		if err := x.waitReady(ctx, t, t.c.StartedAt, start, say); err != nil {
			return x.halt(ctx, p, i, err)
		}
	}
	return nil
}

// stop stops every container; a failure stops the rest from being touched.
func (x *Executor) stop(ctx context.Context, p plan, say sayFunc) error {
	for i, t := range p.targets {
		if !t.c.Running {
			say("%s: %s is %s already", t.where(), t.label(), t.c.State)
			continue
		}
		say("%s: stopping %s", t.where(), t.label())
		if err := t.eng.Stop(ctx, t.c.ID, x.opts.StopTimeout); err != nil {
			return x.halt(ctx, p, i, fmt.Errorf("%s: %w", t.where(), err))
		}
		say("%s: %s stopped", t.where(), t.label())
	}
	return nil
}

// start starts the containers one at a time and waits for each.
func (x *Executor) start(ctx context.Context, p plan, say sayFunc) error {
	for i, t := range p.targets {
		start := time.Now()
		since := time.Time{} // a running container: its current run counts
		if !t.c.Running {
			since = t.c.StartedAt
			say("%s: starting %s", t.where(), t.label())
			if err := t.eng.Start(ctx, t.c.ID); err != nil {
				return x.halt(ctx, p, i, fmt.Errorf("%s: %w", t.where(), err))
			}
		}
		if err := x.waitReady(ctx, t, since, start, say); err != nil {
			return x.halt(ctx, p, i, err)
		}
	}
	return nil
}

// waitReady waits for one container, bounded by the health timeout.
func (x *Executor) waitReady(ctx context.Context, t target, since, began time.Time, say sayFunc) error {
	what := "running"
	if t.c.HasHealthcheck {
		what = "healthy"
	}
	say("%s: waiting until %s is %s", t.where(), t.c.Name, what)
	wctx, cancel := context.WithTimeout(ctx, x.opts.HealthTimeout)
	defer cancel()
	if err := t.eng.WaitHealthy(wctx, t.c.ID, since); err != nil {
		return fmt.Errorf("%s: %w", t.where(), err)
	}
	say("%s: %s is %s after %v", t.where(), t.c.Name, what, time.Since(began).Round(100*time.Millisecond))
	return nil
}

// halt words the error of a multi-container action that stopped at
// container i: which failed, and which were left untouched.
func (x *Executor) halt(ctx context.Context, p plan, i int, err error) error {
	if ctx.Err() != nil {
		err = fmt.Errorf("cancelled: %w", err)
	}
	if rest := len(p.targets) - i - 1; rest > 0 {
		return fmt.Errorf("%w; %d more container(s) not touched", err, rest)
	}
	return err
}

// nothingToDo refuses a start of a service whose every container runs,
// and a stop of one whose every container is stopped, with the reason: a
// key that cannot apply says why instead of asking to confirm nothing.
// n is the number of containers, running(i) whether the i-th runs.
func nothingToDo(a backend.Action, n int, running func(int) bool) error {
	if n == 0 || (a.Kind != backend.ActKindStart && a.Kind != backend.ActKindStop) {
		return nil
	}
	for i := range n {
		if running(i) != (a.Kind == backend.ActKindStart) {
			return nil
		}
	}
	what, runs, is := a.Target, "runs", "is"
	if svcs := a.Params["services"]; svcs != "" {
		what, runs, is = "the services of "+a.Target+" ("+svcs+")", "run", "are"
	}
	if a.Kind == backend.ActKindStart {
		return fmt.Errorf("%s %s already (every container): nothing to start", what, runs)
	}
	return fmt.Errorf("%s %s stopped already (every container): nothing to stop", what, is)
}
