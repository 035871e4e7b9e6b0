package kit

import (
	"context"
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

// AskSerial is Ask for a request that must keep its order (Request.Serial).
func AskSerial(to ID, timeout time.Duration, run func(ctx context.Context) tea.Msg) tea.Cmd {
	r := Request{To: to, Timeout: timeout, Serial: true, Run: run}
	return func() tea.Msg { return r }
}
