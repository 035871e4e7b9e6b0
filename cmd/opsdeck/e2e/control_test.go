//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// On a real terminal the console starts on the overview holding the
// terminal (alternate screen, cursor hidden, raw input), 2 shows the
// services, a resize (SIGWINCH) redraws at the new width, and q exits 0
// and gives the terminal back as it was.
func TestConsoleStartsSwitchesResizesAndQuits(t *testing.T) {
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	if err := c.Taken(); err != nil {
		t.Fatalf("while the console runs: %v", err)
	}
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Resize(120, 36)
	c.Until("the header's clock at the right edge of 120 columns", tuitest.ConsoleWait, func(s string) bool {
		header, _, _ := strings.Cut(s, "\n")
		return ansi.StringWidth(header) == 120 && strings.HasSuffix(header, " UTC")
	})
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if err := c.Restored(); err != nil {
		t.Fatal(err)
	}
}
