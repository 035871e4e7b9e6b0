//go:build unix

package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// readPlan is how long a person looks at a confirmation before answering
// it: longer than the 400 ms in which the dialog ignores keys (a key
// typed for the screen before must not confirm what was not read).
const readPlan = 450 * time.Millisecond

// waitPlan waits for the confirmation of kind on target ("RESTART
// chat-backend") showing its plan with every step, and reads it.
func waitPlan(t *testing.T, c *tuitest.Console, title string, steps ...string) {
	t.Helper()
	c.Until("the plan of "+title, tuitest.ConsoleWait, func(s string) bool {
		if !strings.Contains(s, title+"  as root") || !strings.Contains(s, "This will:") {
			return false
		}
		for _, st := range steps {
			if !strings.Contains(s, "• "+st) {
				return false
			}
		}
		return true
	})
	c.Pause(readPlan)
}

// waitCancelled waits for the dialog to close and the notice that
// nothing was done.
func waitCancelled(t *testing.T, c *tuitest.Console, h int, what string) {
	t.Helper()
	waitNotice(t, c, h, what+": cancelled, nothing done")
	c.WaitGone("This will:")
}

// replaceNotice puts another notice on the status bar (ctrl+r refreshes
// every source and says so), so that the next notice is seen arriving
// and not taken for one of the same words still shown from before.
func replaceNotice(t *testing.T, c *tuitest.Console, h int) {
	t.Helper()
	c.Keys("ctrl+r")
	waitNotice(t, c, h, "refreshing all sources")
}

// Every overlay opens over the screen and closes as it says: help with
// esc or ? again, the palette with esc, a confirmation with esc, n or q,
// the export prompt with esc (writing nothing); the screen under each is
// still there.
func TestOverlaysOpenAndClose(t *testing.T) {
	// chat-web is down, so S has something to start: a dialog answered y.
	o := demoConfig(t, "chat-web:               {rps: 110,", "chat-web:               {down: true, rps: 110,")
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		for _, closer := range []string{"esc", "?"} {
			c.Keys("?")
			waitHeading(t, c, helpHeading)
			c.Keys(closer)
			waitHeading(t, c, "FLEET")
		}

		c.Keys(":")
		c.WaitFor(":view or command (tab completes)")
		c.Keys("esc")
		c.WaitGone(":view or command")
		waitNotice(t, c, h, "q quit")

		c.Keys("down", "down") // chat-web
		waitRow(t, c, "chat-web", "DOWN")
		for _, closer := range []string{"esc", "n", "q"} {
			replaceNotice(t, c, h)
			c.Keys("S") // start: confirmed with y, so n and q answer it
			waitPlan(t, c, "START chat-web", "docker@prod-1: start chat-web-1 (simulated)")
			c.WaitFor("Proceed? y confirm · n/esc cancel")
			c.Keys(closer)
			waitCancelled(t, c, h, "start chat-web")
			waitHeading(t, c, "FLEET")
		}

		c.Keys("e")
		c.WaitMatch(exportPromptRE)
		c.Keys("esc")
		c.WaitGone("export to:")
		waitHeading(t, c, "FLEET")
		if files, err := os.ReadDir(c.Dir()); err != nil || len(files) != 0 {
			t.Errorf("the cancelled export left %v in the working directory (%v)", files, err)
		}
	})
}
