package kit

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Request asks the root to run Run off the UI goroutine for the screen To.
// Run gets the console's context, cancelled when that screen closes or the
// console quits, and bounded by Timeout when it is positive (streams set
// none). Whatever Run returns is delivered to screen To only, wherever it
// is; when that screen is gone the answer is dropped (and counted).
//
// Serial requests run one at a time, in the order they were asked, after
// every earlier serial request of the console: changes to the incident go
// this way, so two keys pressed quickly never reach the store reordered.
// Ask them with Common.AskSerial, which queues them as they are asked.
type Request struct {
	To      ID
	Timeout time.Duration
	Serial  bool
	Run     func(ctx context.Context) tea.Msg
}

// Reply is a request's answer on its way to screen To.
type Reply struct {
	To  ID
	Msg tea.Msg
}

// Ask is the command that hands a request to the root.
func Ask(to ID, timeout time.Duration, run func(ctx context.Context) tea.Msg) tea.Cmd {
	r := Request{To: to, Timeout: timeout, Run: run}
	return func() tea.Msg { return r }
}

// SerialQueue is one console's serial requests in the order they were
// asked. A command cannot carry that order: the program runs each command
// in a goroutine of its own, so the second key's can reach the root before
// the first key's. The queue is filled in Update, on the UI goroutine, and
// emptied by the root one request at a time.
type SerialQueue struct {
	mu      sync.Mutex
	pending []Request
}

// Push adds r behind every request asked before it.
func (q *SerialQueue) Push(r Request) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(q.pending, r)
}

// Pop takes the oldest request; ok is false when none waits.
func (q *SerialQueue) Pop() (r Request, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return Request{}, false
	}
	r, q.pending = q.pending[0], q.pending[1:]
	return r, true
}

// SerialAsked tells the root that a serial request is queued.
type SerialAsked struct{}

// AskSerial is Ask for a request that must keep its order: it is queued
// at once, in the Update that asks, and the command only tells the root.
// Without a queue (a Common not made by the root) the request travels in
// its command, and the root queues it when it arrives.
func (c Common) AskSerial(to ID, timeout time.Duration, run func(ctx context.Context) tea.Msg) tea.Cmd {
	r := Request{To: to, Timeout: timeout, Serial: true, Run: run}
	if c.Serial == nil {
		return func() tea.Msg { return r }
	}
	c.Serial.Push(r)
	return func() tea.Msg { return SerialAsked{} }
}
