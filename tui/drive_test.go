package tui

import (
	"strings"
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
// or tick.
func send(m *Model, msg tea.Msg) {
	_, cmd := m.Update(msg)
	for _, next := range runCmd(cmd) {
		send(m, next)
	}
}

func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(20 * time.Millisecond):
		return nil
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, runCmd(c)...)
		}
		return out
	case views.PushMsg, views.ActionMsg, noticeMsg, planMsg, actionOutputMsg, actionDoneMsg, views.RunChecksMsg, views.ChecksDoneMsg,
		views.LogBatchMsg, views.RangeRequestMsg, views.RangeResultMsg, views.SilencesRequestMsg, views.SilencesMsg,
		views.IncidentStartMsg, views.IncidentStartedMsg, views.DeployHistoryRequestMsg, views.DeployHistoryMsg:
		return []tea.Msg{msg}
	}
	return nil
}

// sized returns a model at w×h showing snap.
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
