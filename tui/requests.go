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
		if has(s, id) {
			return m.ctx, true
		}
	}
	for _, s := range m.stack {
		if has(s.screen, id) {
			return s.ctx, true
		}
	}
	return nil, false
}

// has reports whether id is s or a screen drawn inside it.
func has(s kit.Screen, id kit.ID) bool {
	for _, in := range within(s) {
		if in.ID() == id {
			return true
		}
	}
	return false
}

// find is the open screen with address id, a panel inside one included.
func (m *Model) find(id kit.ID) kit.Screen {
	for _, s := range m.all() {
		for _, in := range within(s) {
			if in.ID() == id {
				return in
			}
		}
	}
	return nil
}

// request runs r off the UI goroutine, or queues it behind the serial
// request in flight.
func (m *Model) request(r kit.Request) tea.Cmd {
	if r.Serial {
		// Asked without the console's queue: it queues on arrival.
		m.serial.asked.Push(r)
		return m.startSerial()
	}
	ctx, ok := m.screenCtx(r.To)
	if !ok {
		m.dropped++ // asked by a screen closed meanwhile
		return nil
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

// serialQueue runs the console's serial requests one at a time, in the
// order they were asked (kit.SerialQueue keeps that order; the commands
// that announce them arrive in any order).
type serialQueue struct {
	asked *kit.SerialQueue
	busy  chan struct{} // closed when the request in flight has run; nil when none
}

// serialDone is a serial request's answer; the next one starts after it.
type serialDone struct{ reply kit.Reply }

// startSerial starts the oldest queued request unless one is running.
func (m *Model) startSerial() tea.Cmd {
	if m.serial.busy != nil {
		return nil
	}
	return m.nextSerial()
}

// nextSerial starts the oldest queued request whose screen is still open;
// a closed screen's request is dropped (and counted) unrun.
func (m *Model) nextSerial() tea.Cmd {
	m.serial.busy = nil
	for {
		r, ok := m.serial.asked.Pop()
		if !ok {
			return nil
		}
		ctx, ok := m.screenCtx(r.To)
		if !ok {
			m.dropped++
			continue
		}
		done := make(chan struct{})
		m.serial.busy = done
		return func() tea.Msg {
			defer close(done)
			return serialDone{kit.Reply{To: r.To, Msg: run(ctx, r)}}
		}
	}
}

// drainLimit bounds waiting for queued incident changes at exit.
const drainLimit = 5 * time.Second

// drain is what quitting must still do: wait for the request in flight,
// then run the pending ones in order with ctx (which must outlive the
// console's), all within drainLimit. nil when there is nothing.
func (q *serialQueue) drain(ctx context.Context) func() {
	var pending []kit.Request
	for r, ok := q.asked.Pop(); ok; r, ok = q.asked.Pop() {
		pending = append(pending, r)
	}
	busy := q.busy
	q.busy = nil
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
		for _, r := range pending {
			if ctx.Err() != nil {
				return
			}
			run(ctx, r)
		}
	}
}
