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

// termPollEvery is how often a Term wait looks at the output again.
const termPollEvery = 5 * time.Millisecond

// Term is a running program and the emulated screen it draws on.
type Term struct {
	t      testing.TB
	TM     *teatest.TestModel
	emu    *vt.Emulator
	rec    *frameRecorder
	w, h   int // the terminal's size as the test set it
	fences uint64
	done   bool
}

// Start runs m at w×h without colours. A program the test has not quit
// is quit when the test ends.
func Start(t testing.TB, m tea.Model, w, h int) *Term {
	t.Helper()
	rec := newFrameRecorder(m)
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	emu := vt.NewEmulator(w, h)
	go func() { _, _ = io.Copy(io.Discard, emu) }() // drain replies to terminal queries
	tt := &Term{t: t, TM: tm, emu: emu, rec: rec, w: w, h: h}
	t.Cleanup(func() {
		if !tt.done {
			_ = tm.Quit()
			tm.WaitFinished(t, teatest.WithFinalTimeout(DefaultWait))
		}
		// End the drain: closing the emulator itself would race with
		// its Read (an unguarded flag in vt).
		if c, ok := emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
	return tt
}

// pump feeds the emulator everything the program has written so far.
func (tt *Term) pump() {
	b, _ := io.ReadAll(tt.TM.Output())
	if len(b) > 0 {
		// The output is not a tty: add the CR that ONLCR would.
		_, _ = tt.emu.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
}

// Screen is the emulated screen as plain text.
func (tt *Term) Screen() string { tt.pump(); return ansi.Strip(tt.emu.Render()) }

// Plain is the emulated screen as goldens hold it: one line per row, ANSI
// stripped, trailing blanks trimmed per line, each line ending in "\n".
func (tt *Term) Plain() string { return PlainText(tt.Screen(), tt.h) }

// PlainText is s as Plain shows a screen of h rows: cut or padded to h
// lines, ANSI stripped, trailing blanks trimmed, each line ending in "\n".
func PlainText(s string, h int) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	if s == "" {
		lines = nil
	}
	var b strings.Builder
	for i := range h {
		if i < len(lines) {
			b.WriteString(strings.TrimRight(lines[i], " "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// WaitScreen waits until ok holds for the screen (as Plain shows it) and
// returns that screen; after DefaultWait it fails, naming what it waited
// for, with the screen it has.
func (tt *Term) WaitScreen(what string, ok func(screen string) bool) string {
	tt.t.Helper()
	return tt.waitScreen(what, DefaultWait, ok)
}

func (tt *Term) waitScreen(what string, d time.Duration, ok func(string) bool) string {
	tt.t.Helper()
	deadline := time.Now().Add(d)
	for {
		got := tt.Plain()
		if ok(got) {
			return got
		}
		if time.Now().After(deadline) {
			tt.t.Fatalf("waited %s for %s; the screen is:\n%s", d, what, got)
			return got
		}
		time.Sleep(termPollEvery)
	}
}

// WaitFor waits until the screen contains want.
func (tt *Term) WaitFor(want string) { tt.t.Helper(); tt.WaitWithin(want, DefaultWait) }

// WaitWithin is WaitFor with its own bound, for flows that wait on real
// systems (a container restarting).
func (tt *Term) WaitWithin(want string, d time.Duration) {
	tt.t.Helper()
	tt.waitScreen("the screen to show "+want, d, func(s string) bool { return strings.Contains(s, want) })
}

// WaitGone waits until the screen no longer contains text.
func (tt *Term) WaitGone(text string) {
	tt.t.Helper()
	tt.WaitScreen("the screen to lose "+text, func(s string) bool { return !strings.Contains(s, text) })
}

// Send hands msg to the program, after everything sent before it.
func (tt *Term) Send(msg tea.Msg) { tt.TM.Send(msg) }

// Resize changes the terminal's size, as dragging the window does: the
// emulator takes the new size before the program draws at it (the
// renderer redraws the whole screen after a resize).
func (tt *Term) Resize(w, h int) {
	tt.pump()
	tt.emu.Resize(w, h)
	tt.w, tt.h = w, h
	tt.TM.Send(tea.WindowSizeMsg{Width: w, Height: h})
}

// Keys sends key presses by name ("enter", "esc", "j", "ctrl+c").
func (tt *Term) Keys(keys ...string) {
	for _, k := range keys {
		tt.TM.Send(keytest.Press(k))
	}
}

// Type sends s as typed text, one key press per character; a newline is
// the enter key.
func (tt *Term) Type(s string) {
	for _, r := range s {
		if r == '\n' {
			tt.TM.Send(keytest.Press("enter"))
			continue
		}
		tt.TM.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// Quit ends the program with ctrl+c, from whatever screen is open (q
// would close a detail or the help first), and returns the final model
// (the one passed to Start). With an action running, ctrl+c cancels it
// instead: wait for its end first.
func (tt *Term) Quit() tea.Model {
	tt.t.Helper()
	tt.TM.Send(keytest.Press("ctrl+c"))
	return tt.Final()
}

// Stop ends the program without a key, as a closed terminal would: the
// model sees no message for it. It returns the final model.
func (tt *Term) Stop() tea.Model {
	tt.t.Helper()
	_ = tt.TM.Quit()
	return tt.Final()
}

// Final waits for the program to end (it quit by itself, or the test
// quit it) and returns the final model (the one passed to Start).
func (tt *Term) Final() tea.Model {
	tt.t.Helper()
	m := tt.TM.FinalModel(tt.t, teatest.WithFinalTimeout(DefaultWait))
	tt.done = true
	if r, ok := m.(*frameRecorder); ok {
		return r.inner
	}
	return m
}
