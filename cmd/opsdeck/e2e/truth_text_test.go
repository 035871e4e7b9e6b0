//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// noPlaceholder fails the test when the screen shows a raw {variable}.
func noPlaceholder(t *testing.T, c *tuitest.Console) {
	t.Helper()
	if s := c.Screen(); strings.Contains(s, "{service}") || strings.Contains(s, "{database}") {
		t.Fatalf("a raw placeholder on the screen:\n%s", s)
	}
}

// The wizard never shows a raw placeholder: a step shown before its
// variable is set reads "the service", "the database".
func TestWizardShowsNoRawPlaceholder(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 0, "Service crash")
		c.WaitFor("Is the health check of the service failing?")
		noPlaceholder(t, c)

		c.Keys("u") // undo: back to "What failed?", then the database branch
		waitStep(t, c, "What failed?", "choice")
		c.Keys("j")
		c.WaitFor(" › Database corruption")
		c.Keys("enter")
		c.WaitFor("branch Database corruption")
		c.WaitFor("Is the database down?")
		noPlaceholder(t, c)
		setVar(t, c, "database", "ch", "chat")
		c.Keys("y")
		waitStep(t, c, "Stop affected services", "action")
		c.WaitFor("docker compose stop the service")
		noPlaceholder(t, c)
	})
}

// A cancelled action says "cancelled" once: on its screen, in the status
// bar and in the audit log, never "cancelled: cancelled: context
// canceled".
func TestCancelledActionSaysItOnce(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("6")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		c.Keys("b")
		waitPlan(t, c, "RESTORE chat")
		confirmTyped(t, c, "chat")
		c.WaitFor(`pg_restore: processing data for table "public.users" (simulated)`)
		c.Keys("ctrl+c")
		line := waitEnded(t, c, "RESTORE chat", "✖ cancelled after ")
		if strings.Contains(line, "cancelled:") || strings.Contains(line, "context canceled") {
			t.Errorf("the action screen says %q", line)
		}
		waitNotice(t, c, h, "restore chat: cancelled")
		if bar, _ := statusBar(c.Screen(), h); strings.Contains(bar, "cancelled:") || strings.Contains(bar, "context canceled") {
			t.Errorf("the status bar says %q", bar)
		}
		if _, after := waitAuditPair(t, c, "restore", "chat"); after.Result != "cancelled" || after.Error != "cancelled" {
			t.Errorf("audit after %+v, want cancelled, said once", after)
		}
	})
}
