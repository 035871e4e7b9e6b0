package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views/kit"
)

// A screen asks for work with a kit.Request carrying its address; the
// answer comes back as a kit.Reply to that screen only, wherever it is.

// screenCtx is the context the requests of screen id run in: the
// console's for a tab, the detail's own for a screen on the stack. ok is
// false when no such screen is open.
func (m *Model) screenCtx(id kit.ID) (context.Context, bool) {
	for _, s := range m.tabs {
		if s.ID() == id {
			return m.ctx, true
		}
	}
	for _, s := range m.stack {
		if s.screen.ID() == id {
			return s.ctx, true
		}
	}
	return nil, false
}

// find is the open screen with address id.
func (m *Model) find(id kit.ID) kit.Screen {
	for _, s := range m.all() {
		if s.ID() == id {
			return s
		}
	}
	return nil
}

// request runs r off the UI goroutine, or queues it behind the serial
// request in flight.
func (m *Model) request(r kit.Request) tea.Cmd {
	ctx, ok := m.screenCtx(r.To)
	if !ok {
		m.dropped++ // asked by a screen closed meanwhile
		return nil
	}
	if r.Serial {
		return m.serial.add(ctx, r)
	}
	return runRequest(ctx, r)
}

// runRequest is the command that runs r with ctx and addresses the answer.
func runRequest(ctx context.Context, r kit.Request) tea.Cmd {
	return func() tea.Msg { return kit.Reply{To: r.To, Msg: run(ctx, r)} }
}

func run(ctx context.Context, r kit.Request) tea.Msg {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	return r.Run(ctx)
}

// reply delivers an answer to its screen, or drops it when the screen is
// gone: never to another screen.
func (m *Model) reply(r kit.Reply) tea.Cmd {
	s := m.find(r.To)
	if s == nil {
		m.dropped++
		return nil
	}
	return s.Update(r.Msg)
}

// serialQueue runs serial requests one at a time, in the order asked.
type serialQueue struct {
	pending []queued
	busy    chan struct{} // closed when the request in flight has run; nil when none
}

type queued struct {
	ctx context.Context
	req kit.Request
}

// serialDone is a serial request's answer; the next one starts after it.
type serialDone struct{ reply kit.Reply }

func (q *serialQueue) add(ctx context.Context, r kit.Request) tea.Cmd {
	q.pending = append(q.pending, queued{ctx, r})
	if q.busy != nil {
		return nil
	}
	return q.next()
}

// next starts the oldest pending request, if any.
func (q *serialQueue) next() tea.Cmd {
	q.busy = nil
	if len(q.pending) == 0 {
		return nil
	}
	it := q.pending[0]
	q.pending = q.pending[1:]
	done := make(chan struct{})
	q.busy = done
	return func() tea.Msg {
		defer close(done)
		return serialDone{kit.Reply{To: it.req.To, Msg: run(it.ctx, it.req)}}
	}
}

// drainLimit bounds waiting for queued incident changes at exit.
const drainLimit = 5 * time.Second

// drain is what quitting must still do: wait for the request in flight,
// then run the pending ones in order with ctx (which must outlive the
// console's), all within drainLimit. nil when there is nothing.
func (q *serialQueue) drain(ctx context.Context) func() {
	busy, pending := q.busy, q.pending
	q.busy, q.pending = nil, nil
	if busy == nil && len(pending) == 0 {
		return nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(ctx, drainLimit)
		defer cancel()
		if busy != nil {
			select {
			case <-busy:
			case <-ctx.Done():
				return
			}
		}
		for _, it := range pending {
			if ctx.Err() != nil {
				return
			}
			run(ctx, it.req)
		}
	}
}
