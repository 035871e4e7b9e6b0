package tui

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

// term runs the root model in a real Bubble Tea program (teatest) and
// rebuilds the screen from its output with a terminal emulator, so a flow
// waits for what a person would see instead of sleeping.
type term struct {
	t   *testing.T
	tm  *teatest.TestModel
	emu *vt.Emulator
}

func startTerm(t *testing.T, m *Model, w, h int) *term {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	emu := vt.NewEmulator(w, h)
	go func() { _, _ = io.Copy(io.Discard, emu) }() // drain replies to terminal queries
	return &term{t: t, tm: tm, emu: emu}
}

// screen is the emulated screen as plain text.
func (tt *term) screen() string { return ansi.Strip(tt.emu.Render()) }

// waitFor feeds output to the emulator until the screen contains want.
func (tt *term) waitFor(want string) {
	tt.t.Helper()
	fed := 0
	teatest.WaitFor(tt.t, tt.tm.Output(), func(b []byte) bool {
		// The output is not a tty: add the CR that ONLCR would.
		_, _ = tt.emu.Write(bytes.ReplaceAll(b[fed:], []byte("\n"), []byte("\r\n")))
		fed = len(b)
		return strings.Contains(tt.screen(), want)
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func (tt *term) keys(keys ...string) {
	for _, k := range keys {
		tt.tm.Send(keytest.Press(k))
	}
}

// quit ends the program with q and returns the final model.
func (tt *term) quit() *Model {
	tt.t.Helper()
	tt.tm.Send(keytest.Press("q"))
	return tt.tm.FinalModel(tt.t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

func TestFlowSwitchViewsWithKeys(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	tt.keys("2")
	tt.waitFor("SERVICE STATUS (by Project)")
	tt.keys("1")
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	final := tt.quit()
	if final.tabs[final.tab].Name() != "overview" {
		t.Fatalf("ended on %s", final.tabs[final.tab].Name())
	}
	teatest.RequireEqualOutput(t, []byte(plain(final)))
}

func TestFlowPalette(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	tt.keys(":")
	tt.tm.Type("serv")
	tt.waitFor(":serv")
	tt.keys("enter")
	tt.waitFor("SERVICE STATUS (by Project)")
	teatest.RequireEqualOutput(t, []byte(plain(tt.quit())))
}

func TestFlowFilterAndDetail(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	tt.keys("2", "/")
	tt.tm.Type("pict")
	tt.keys("enter")
	tt.waitFor("filter: pict (1 of 6)")
	tt.keys("enter")
	tt.waitFor("picture-backend-1")
	final := tt.quit()
	if len(final.stack) != 1 || final.stack[0].Title() != "picture" {
		t.Fatalf("detail of picture not open: %d views stacked", len(final.stack))
	}
	teatest.RequireEqualOutput(t, []byte(plain(final)))
}

func TestFlowHelp(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	tt.keys("2", "?")
	tt.waitFor("KEY BINDINGS")
	teatest.RequireEqualOutput(t, []byte(plain(tt.quit())))
}

func TestFlowResizeToTooSmallAndBack(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	// Messages are processed in order, so each resize lands before q.
	tt.tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	tt.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	final := tt.quit()
	if final.width != 100 || final.height != 30 {
		t.Fatalf("size %dx%d after resizes", final.width, final.height)
	}
	got := plain(final)
	if strings.Contains(got, "terminal too small") || strings.Count(got, "\n") != 30 {
		t.Fatalf("not re-laid out at 100x30:\n%s", got)
	}
	teatest.RequireEqualOutput(t, []byte(got))
}

func TestFlowQuitWithCtrlC(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.waitFor("SYSTEM HEALTH OVERVIEW")
	tt.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tt.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
