package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest/v2"
)

// The flows' goldens are the emulated screen before quitting.

func TestFlowSwitchViewsWithKeys(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 80, 24, false)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("1")
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	screen := c.WaitDrawn()
	final := quit(c.Term)
	if name := final.specs[final.tab].Name; name != "overview" {
		t.Fatalf("ended on %s", name)
	}
	teatest.RequireEqualOutput(t, []byte(screen))
}

func TestFlowPalette(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 80, 24, false)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys(":")
	c.Type("serv")
	c.WaitFor(":serv")
	c.Keys("enter")
	c.WaitFor("SERVICE STATUS (by Project)")
	teatest.RequireEqualOutput(t, []byte(c.WaitDrawn()))
}

func TestFlowFilterAndDetail(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 80, 24, false)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("2", "/")
	c.Type("pict")
	c.Keys("enter")
	c.WaitFor("filter: pict (1 of 6)")
	c.Keys("enter")
	c.WaitFor("picture-backend-1")
	screen := c.WaitDrawn()
	if !strings.Contains(screen, "› picture") {
		t.Fatalf("detail of picture not open:\n%s", screen)
	}
	teatest.RequireEqualOutput(t, []byte(screen))
}

func TestFlowHelp(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 80, 24, false)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("2", "?")
	c.WaitFor("KEY BINDINGS")
	teatest.RequireEqualOutput(t, []byte(c.WaitDrawn()))
}

func TestFlowResizeToTooSmallAndBack(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 80, 24, false)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Resize(40, 10)
	c.WaitFor("terminal too small")
	c.Resize(100, 30)
	c.WaitGone("terminal too small")
	got := c.WaitDrawn()
	final := quit(c.Term)
	if final.width != 100 || final.height != 30 {
		t.Fatalf("size %dx%d after resizes", final.width, final.height)
	}
	if strings.Contains(got, "terminal too small") || strings.Count(got, "\n") != 30 {
		t.Fatalf("not re-laid out at 100x30:\n%s", got)
	}
	teatest.RequireEqualOutput(t, []byte(got))
}

func TestFlowQuitWithCtrlC(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 80, 24, false)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("ctrl+c")
	c.Final()
}
