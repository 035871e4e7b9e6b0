// Package tuitest drives a Bubble Tea model in a real program (teatest)
// and rebuilds the screen from its output with a terminal emulator, so a
// test waits for what a person would see instead of sleeping. It is for
// tests only.
package tuitest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	"github.com/manacore/opsdeck/keymap/keytest"
)

// DefaultWait bounds WaitFor.
const DefaultWait = 5 * time.Second

// Term is a running program and the emulated screen it draws on.
type Term struct {
	t   testing.TB
	TM  *teatest.TestModel
	emu *vt.Emulator
}

// Start runs m at w×h without colours.
func Start(t testing.TB, m tea.Model, w, h int) *Term {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	emu := vt.NewEmulator(w, h)
	go func() { _, _ = io.Copy(io.Discard, emu) }() // drain replies to terminal queries
	return &Term{t: t, TM: tm, emu: emu}
}

// Screen is the emulated screen as plain text.
func (tt *Term) Screen() string { return ansi.Strip(tt.emu.Render()) }

// WaitFor feeds output to the emulator until the screen contains want.
func (tt *Term) WaitFor(want string) { tt.t.Helper(); tt.WaitWithin(want, DefaultWait) }

// WaitWithin is WaitFor with its own bound, for flows that wait on real
// systems (a container restarting).
func (tt *Term) WaitWithin(want string, d time.Duration) {
	tt.t.Helper()
	fed := 0 // b holds what this call has read so far
	teatest.WaitFor(tt.t, tt.TM.Output(), func(b []byte) bool {
		// The output is not a tty: add the CR that ONLCR would.
		_, _ = tt.emu.Write(bytes.ReplaceAll(b[fed:], []byte("\n"), []byte("\r\n")))
		fed = len(b)
		return strings.Contains(tt.Screen(), want)
	}, teatest.WithDuration(d), teatest.WithCheckInterval(10*time.Millisecond))
}

// Keys sends key presses by name ("enter", "esc", "j", "ctrl+c").
func (tt *Term) Keys(keys ...string) {
	for _, k := range keys {
		tt.TM.Send(keytest.Press(k))
	}
}

// Type sends s as typed text, one key press per character.
func (tt *Term) Type(s string) {
	for _, r := range s {
		tt.TM.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// Quit ends the program with q and returns the final model.
func (tt *Term) Quit() tea.Model {
	tt.t.Helper()
	tt.TM.Send(keytest.Press("q"))
	return tt.TM.FinalModel(tt.t, teatest.WithFinalTimeout(DefaultWait))
}
