package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/views"
)

// These helpers drive the root model directly, without a program, for
// screen goldens and the width sweep: deterministic and fast. Key-driven
// flows through a real program are in flow_test.go (teatest).

// send applies msg and feeds back the messages of the commands it returns
// that the root itself handles (push, action, notice). Other commands
// (cursor blinks, timers, the snapshot wait) are not run: they would block
// or tick. A command that has not answered within runCmd's wait is kept
// for awaitScreen, which a test calls when it needs what such a command
// brings (a log batch coalesces for up to 50 ms).
func send(m *Model, msg tea.Msg) {
	_, cmd := m.Update(msg)
	msgs, pending := runCmd(cmd)
	lateMu.Lock()
	late[m] = append(late[m], pending...)
	lateMu.Unlock()
	for _, next := range msgs {
		send(m, next)
	}
}

// late holds, per model, the answers of commands that outlived runCmd's
// wait.
var (
	lateMu sync.Mutex
	late   = map[*Model][]<-chan tea.Msg{}
)

// awaitScreen feeds m the late answers of its commands as they arrive
// until its screen satisfies ok, and returns that screen; after 5 s it
// fails with the screen it has.
func awaitScreen(t *testing.T, m *Model, ok func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := plain(m)
		if ok(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never got there:\n%s", got)
		}
		pumpLate(m)
		time.Sleep(5 * time.Millisecond)
	}
}

// settle feeds m the late answers of its commands until none has come
// for quiet (longer than any batching of the views), at most 5 s: what a
// stream brings is on the screen after it. Commands that never answer
// (the snapshot wait, a stream with nothing more) just stay pending.
func settle(m *Model, quiet time.Duration) {
	deadline := time.Now().Add(5 * time.Second)
	last := time.Now()
	for time.Since(last) < quiet && time.Now().Before(deadline) {
		if pumpLate(m) > 0 {
			last = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pumpLate sends m the late answers that have arrived and returns how
// many there were.
func pumpLate(m *Model) int {
	lateMu.Lock()
	pending := late[m]
	late[m] = nil
	lateMu.Unlock()
	var arrived []tea.Msg
	n := 0
	for _, ch := range pending {
		select {
		case msg := <-ch:
			n++
			arrived = append(arrived, feedable(msg)...)
		default:
			lateMu.Lock()
			late[m] = append(late[m], ch)
			lateMu.Unlock()
		}
	}
	for _, msg := range arrived {
		send(m, msg)
	}
	return n
}

// runCmd runs cmd for at most 20 ms and returns the messages send feeds
// back; a command still running is returned as pending, its answer to
// come on the channel.
func runCmd(cmd tea.Cmd) (msgs []tea.Msg, pending []<-chan tea.Msg) {
	if cmd == nil {
		return nil, nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				m, p := runCmd(c)
				msgs, pending = append(msgs, m...), append(pending, p...)
			}
			return msgs, pending
		}
		return feedable(msg), nil
	case <-time.After(20 * time.Millisecond):
		return nil, []<-chan tea.Msg{done}
	}
}

// feedable is msg if the root handles it, else nothing.
func feedable(msg tea.Msg) []tea.Msg {
	switch msg.(type) {
	case views.PushMsg, views.ActionMsg, noticeMsg, planMsg, actionOutputMsg, actionDoneMsg, views.RunChecksMsg, views.ChecksDoneMsg,
		views.LogBatchMsg, views.RangeRequestMsg, views.RangeResultMsg, views.SilencesRequestMsg, views.SilencesMsg,
		views.IncidentStartMsg, views.IncidentStartedMsg, views.DeployHistoryRequestMsg, views.DeployHistoryMsg:
		return []tea.Msg{msg}
	}
	return nil
}

func sized(t testing.TB, snap backend.Snapshot, w, h int, readOnly bool) *Model {
	t.Helper()
	m, _ := newModel(t, snap, readOnly)
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	send(m, SnapshotMsg{Snapshot: snap})
	return m
}

func typeKeys(m *Model, keys ...string) {
	for _, k := range keys {
		send(m, keytest.Press(k))
	}
}

// typeText types s; a newline is the enter key.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == '\n' {
			send(m, keytest.Press("enter"))
			continue
		}
		send(m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// plain is the screen as a person reads it: ANSI stripped, trailing blanks
// trimmed per line.
func plain(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
