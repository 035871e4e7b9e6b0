// Package actions executes the Docker actions of the console (restart,
// stop, start, rollback of a service) against real engines: one Executor
// serves all four kinds and every engine, because a service may run on
// several engines and one action covers all its containers.
//
// Plan resolves the service to its containers from each engine's
// in-memory inventory and inspects them; its Steps say exactly which
// container on which engine gets what. Execute plans again and refuses to
// run if that differs from the confirmed plan (a container was re-created
// or moved meanwhile): what was confirmed is what runs.
package actions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
)

// Defaults of Options.
const (
	DefaultHealthTimeout  = 2 * time.Minute
	DefaultRequestTimeout = 10 * time.Second
	// defaultStopGrace is Docker's own stop timeout, used for the plan's
	// time budget when Options.StopTimeout is zero.
	defaultStopGrace = 10 * time.Second
)

// Options tune the executor; the zero value works (history in memory).
type Options struct {
	// HealthTimeout bounds the wait for each container to run and be
	// healthy again; default DefaultHealthTimeout.
	HealthTimeout time.Duration
	// StopTimeout is the grace between SIGTERM and SIGKILL; zero uses the
	// container's own (Docker's default 10 s).
	StopTimeout time.Duration
	// RequestTimeout bounds each Docker request of Plan; default
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// StateFile is the JSON file of the version history (rollback
	// targets); "" keeps it in memory only, lost on restart.
	StateFile string
	// HistoryLen is how many images are kept per service; default
	// DefaultHistoryLen.
	HistoryLen int
}

// Kinds are the action kinds an Executor serves.
var Kinds = []backend.ActionKind{backend.ActKindRestart, backend.ActKindStop, backend.ActKindStart, backend.ActKindRollback}

// Executor is a backend.ActionExecutor for Kinds. Safe for concurrent use.
type Executor struct {
	engines []*docker.Engine
	opts    Options
	hist    *History
}

var _ backend.ActionExecutor = (*Executor)(nil)

// New builds an executor over engines, loading the version history from
// opts.StateFile. The engines' Run must be following them: Plan reads
// their inventories.
func New(engines []*docker.Engine, opts Options) (*Executor, error) {
	if opts.HealthTimeout <= 0 {
		opts.HealthTimeout = DefaultHealthTimeout
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	h, err := LoadHistory(opts.StateFile, opts.HistoryLen)
	if err != nil {
		return nil, err
	}
	return &Executor{engines: slices.Clone(engines), opts: opts, hist: h}, nil
}

// Executors maps each of Kinds to x, for action.Runner.Executors.
func (x *Executor) Executors() map[backend.ActionKind]backend.ActionExecutor {
	m := map[backend.ActionKind]backend.ActionExecutor{}
	for _, k := range Kinds {
		m[k] = x
	}
	return m
}

// Observe feeds the version history with what the inventory shows; call
// it with every new snapshot's services. It writes the state file only
// when something changed.
func (x *Executor) Observe(services []backend.Service, now time.Time) error {
	return x.hist.Observe(services, now)
}

// History is the version history rollback chooses from.
func (x *Executor) History() *History { return x.hist }

// planFor plans a by its kind; Plan and Execute both use it (Execute to
// check the confirmed plan still describes the fleet).
func (x *Executor) planFor(ctx context.Context, a backend.Action) (plan, error) {
	switch a.Kind {
	case backend.ActKindRestart, backend.ActKindStop, backend.ActKindStart:
		return x.planLifecycle(ctx, a)
	case backend.ActKindRollback:
		return x.planRollback(ctx, a)
	}
	return plan{}, fmt.Errorf("docker actions: cannot %s", a.Kind)
}

// Plan resolves a for its confirmation.
func (x *Executor) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	p, err := x.planFor(ctx, a)
	if err != nil {
		return backend.Plan{}, err
	}
	return p.public(a, x.opts), nil
}

// Execute runs a confirmed plan after checking it still describes the
// fleet.
func (x *Executor) Execute(ctx context.Context, bp backend.Plan, out func(backend.OutputLine)) error {
	a := bp.Action
	p, err := x.planFor(ctx, a)
	if err != nil {
		return fmt.Errorf("%s %s: not run: %w", a.Kind, a.Target, err)
	}
	if now, was := actionSteps(p.public(a, x.opts).Steps), actionSteps(bp.Steps); !slices.Equal(now, was) {
		return fmt.Errorf("%s %s: not run: the containers changed since the plan was confirmed (now: %s); plan again",
			a.Kind, a.Target, strings.Join(now, "; "))
	}
	say := func(format string, args ...any) {
		out(backend.OutputLine{At: time.Now(), Stream: "info", Text: fmt.Sprintf(format, args...)})
	}
	switch a.Kind {
	case backend.ActKindRestart:
		return x.restart(ctx, p, say)
	case backend.ActKindStop:
		return x.stop(ctx, p, say)
	case backend.ActKindStart:
		return x.start(ctx, p, say)
	default:
		return x.rollback(ctx, p, say)
	}
}

// notePrefix marks plan lines that inform (an engine skipped) but do not
// describe an operation; they are not compared at Execute.
const notePrefix = "note: "

func actionSteps(steps []string) []string {
	return slices.DeleteFunc(slices.Clone(steps), func(s string) bool { return strings.HasPrefix(s, notePrefix) })
}
