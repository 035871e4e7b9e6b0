package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// startTerm runs the root model in a real program on an emulated screen.
func startTerm(t *testing.T, m *Model, w, h int) *tuitest.Term { return tuitest.Start(t, m, w, h) }

// quit ends the flow and returns the final root model.
func quit(tt *tuitest.Term) *Model { return tt.Quit().(*Model) }

func TestFlowSwitchViewsWithKeys(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys("2")
	tt.WaitFor("SERVICE STATUS (by Project)")
	tt.Keys("1")
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	final := quit(tt)
	if final.tabs[final.tab].Name() != "overview" {
		t.Fatalf("ended on %s", final.tabs[final.tab].Name())
	}
	teatest.RequireEqualOutput(t, []byte(plain(final)))
}

func TestFlowPalette(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys(":")
	tt.TM.Type("serv")
	tt.WaitFor(":serv")
	tt.Keys("enter")
	tt.WaitFor("SERVICE STATUS (by Project)")
	teatest.RequireEqualOutput(t, []byte(plain(quit(tt))))
}

func TestFlowFilterAndDetail(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys("2", "/")
	tt.TM.Type("pict")
	tt.Keys("enter")
	tt.WaitFor("filter: pict (1 of 6)")
	tt.Keys("enter")
	tt.WaitFor("picture-backend-1")
	final := quit(tt)
	if len(final.stack) != 1 || final.stack[0].Title() != "picture" {
		t.Fatalf("detail of picture not open: %d views stacked", len(final.stack))
	}
	teatest.RequireEqualOutput(t, []byte(plain(final)))
}

func TestFlowHelp(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys("2", "?")
	tt.WaitFor("KEY BINDINGS")
	teatest.RequireEqualOutput(t, []byte(plain(quit(tt))))
}

func TestFlowResizeToTooSmallAndBack(t *testing.T) {
	m, _ := newModel(t, demoSnapshot(t), false)
	tt := startTerm(t, m, 80, 24)
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	// Messages are processed in order, so each resize lands before q.
	tt.TM.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	tt.TM.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	final := quit(tt)
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
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.TM.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tt.TM.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
