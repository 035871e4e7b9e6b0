package serve

import (
	"context"
	"errors"
	"sync"

	"github.com/manacore/opsdeck/backend"
)

// ErrShuttingDown is returned for an action asked for after Shutdown began.
var ErrShuttingDown = errors.New("server shutting down: action not run")

// sessionRunner is the ActionRunner a session's console gets. It stamps the
// session's actor on every action, whatever the UI put there, so the role
// check of the backend runner and the audit log always see the key that
// logged in; and it counts executions in flight so Shutdown can wait for
// their closing audit entries.
type sessionRunner struct {
	inner    backend.ActionRunner
	actor    backend.Actor
	inflight *inflight
}

func (r sessionRunner) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	a.Actor = r.actor
	return r.inner.Plan(ctx, a)
}

func (r sessionRunner) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	p.Action.Actor = r.actor
	if !r.inflight.begin() {
		return ErrShuttingDown
	}
	defer r.inflight.end()
	return r.inner.Execute(ctx, p, out)
}

func (r sessionRunner) Kinds() map[backend.ActionKind]bool { return r.inner.Kinds() }

// inflight counts running executions; once closed it admits no new ones,
// so waiting for zero cannot race with a late start.
type inflight struct {
	mu     sync.Mutex
	n      int
	closed bool
	zero   chan struct{} // closed when closed && n == 0
}

func newInflight() *inflight { return &inflight{zero: make(chan struct{})} }

func (f *inflight) begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.n++
	return true
}

func (f *inflight) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.closed && f.n == 0 {
		close(f.zero)
	}
}

// close admits no new executions and returns a channel closed once the
// running ones have ended.
func (f *inflight) close() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		if f.n == 0 {
			close(f.zero)
		}
	}
	return f.zero
}
