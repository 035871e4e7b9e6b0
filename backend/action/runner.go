// Package action runs confirmed fleet actions: it checks the actor's role,
// writes the audit entry before, executes with a timeout and cancellation,
// writes the audit entry after, and tells the Journal (the incident desk,
// which keeps the timeline) about both ends. The executors that know Docker, SSH and
// Alertmanager are plugged in by kind.
package action

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// ErrRefused is matched by the error of an action the actor may not run.
var ErrRefused = errors.New("refused: read-only")

// ErrNoExecutor is matched when no executor is configured for a kind.
var ErrNoExecutor = errors.New("not configured")

// DefaultTimeout bounds an action whose plan names none.
const DefaultTimeout = 5 * time.Minute

// Outcome is how an action ended, for the timeline.
type Outcome struct {
	Action   backend.Action
	Result   string // audit.ResultOK, ...
	Err      error
	Started  time.Time
	Duration time.Duration
}

// Runner dispatches actions to executors. The zero value refuses all.
type Runner struct {
	Audit     *audit.Log // required: an action is never run unaudited
	Executors map[backend.ActionKind]backend.ActionExecutor
	// Journal is told about every action executed (nil: none); it also
	// names the open incident stamped on the audit entries.
	Journal Journal
	Now     func() time.Time
}

// Journal is told about every action the runner executes (the incident desk).
type Journal interface {
	OpenID() string                 // incident ID for the audit entries, "" none
	ActionStarted(a backend.Action) // after the audit "before" entry is written
	ActionEnded(o Outcome)          // after the audit "after" entry is written
}

// Kinds reports which kinds have an executor.
func (r *Runner) Kinds() map[backend.ActionKind]bool {
	out := map[backend.ActionKind]bool{}
	for k := range r.Executors {
		out[k] = true
	}
	return out
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// NewID returns a fresh action ID.
func NewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// check refuses actors that cannot act and actions without an executor.
// The refusal of a viewer is enforced here, in the backend, whatever the
// UI shows.
func (r *Runner) check(a backend.Action) (backend.ActionExecutor, error) {
	if !a.Actor.CanAct() {
		return nil, fmt.Errorf("%s %s: %w (user %s is a %s)", a.Kind, a.Target, ErrRefused, a.Actor.User, roleName(a.Actor.Role))
	}
	if r == nil || r.Audit == nil {
		return nil, fmt.Errorf("%s: no audit log, %w", a.Kind, ErrNoExecutor)
	}
	ex := r.Executors[a.Kind]
	if ex == nil {
		return nil, fmt.Errorf("%s: %w", a.Kind, ErrNoExecutor)
	}
	return ex, nil
}

func roleName(r backend.Role) string {
	if r == "" {
		return "viewer"
	}
	return string(r)
}

// Plan resolves an action for its confirmation. A viewer's request is
// refused here already, and the refusal is audited.
func (r *Runner) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	if a.ID == "" {
		a.ID = NewID()
	}
	ex, err := r.check(a)
	if err != nil {
		r.refused(a, err)
		return backend.Plan{}, err
	}
	p, err := ex.Plan(ctx, a)
	if err != nil {
		return backend.Plan{}, err
	}
	// The executor may fill in defaults (the dump it chose); who, what and
	// the ID stay the caller's.
	if p.Action.Kind == "" {
		p.Action = a
	}
	p.Action.ID, p.Action.Actor, p.Action.Kind, p.Action.Target, p.Action.Origin = a.ID, a.Actor, a.Kind, a.Target, a.Origin
	return p, nil
}

// refused audits a refused action (best effort: there may be no log).
func (r *Runner) refused(a backend.Action, err error) {
	if !errors.Is(err, ErrRefused) || r == nil || r.Audit == nil {
		return
	}
	e := audit.FromAction(a)
	e.Phase, e.Result, e.Error = audit.PhaseBefore, audit.ResultRefused, err.Error()
	_ = r.Audit.Append(e)
}

// Execute runs a confirmed plan: audit before (an action whose before
// entry cannot be written does not run), execute bounded by the plan's
// timeout, audit after, tell the Journal. out gets the streamed output.
func (r *Runner) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	a := p.Action
	ex, err := r.check(a)
	if err != nil {
		r.refused(a, err)
		return err
	}
	incident := ""
	if r.Journal != nil {
		incident = r.Journal.OpenID()
	}
	before := audit.FromAction(a)
	before.Phase, before.Steps, before.Incident = audit.PhaseBefore, p.Steps, incident
	start := r.now()
	before.Time = start.UTC()
	if err := r.Audit.Append(before); err != nil {
		return fmt.Errorf("not run: %w", err)
	}
	if r.Journal != nil {
		r.Journal.ActionStarted(a)
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if out == nil {
		out = func(backend.OutputLine) {}
	}
	// Serialise out: an executor's goroutines must not interleave calls.
	var omu sync.Mutex
	xerr := ex.Execute(ctx, p, func(l backend.OutputLine) {
		omu.Lock()
		defer omu.Unlock()
		out(l)
	})
	dur := r.now().Sub(start)
	result := resultOf(ctx, xerr)
	if xerr != nil && result != audit.ResultFailed {
		xerr = backend.Ended(result, xerr)
	}
	after := audit.FromAction(a)
	after.Phase, after.Result, after.Incident = audit.PhaseAfter, result, incident
	after.DurationMS = dur.Milliseconds()
	if xerr != nil {
		after.Error = xerr.Error()
	}
	aerr := r.Audit.Append(after)
	if r.Journal != nil {
		r.Journal.ActionEnded(Outcome{Action: a, Result: result, Err: xerr, Started: start, Duration: dur})
	}
	if xerr == nil && aerr != nil {
		return fmt.Errorf("done, but %w", aerr)
	}
	return xerr
}

// resultOf classifies how an execution ended.
func resultOf(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return audit.ResultOK
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return audit.ResultTimedOut
	case errors.Is(ctx.Err(), context.Canceled) || errors.Is(err, context.Canceled):
		return audit.ResultCancelled
	}
	return audit.ResultFailed
}

var _ backend.ActionRunner = (*Runner)(nil)
