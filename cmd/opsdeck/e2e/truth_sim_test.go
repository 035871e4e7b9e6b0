//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// waitEnded waits for the action screen of title ("RESTART chat-web") to
// say how it ended: status is the start of its status line ("✖ failed
// after"), then each of parts somewhere on that line.
func waitEnded(t *testing.T, c *tuitest.Console, title, status string, parts ...string) string {
	t.Helper()
	var line string
	c.Until(title+": "+status, tuitest.ConsoleWait, func(s string) bool {
		line = row(s, 3)
		if !hasHeading(s, title+"  by root") || !strings.HasPrefix(line, status) {
			return false
		}
		for _, p := range parts {
			if !strings.Contains(line, p) {
				return false
			}
		}
		return true
	})
	return line
}

// confirmTyped confirms a destructive plan by typing its target.
func confirmTyped(t *testing.T, c *tuitest.Console, target string) {
	t.Helper()
	c.WaitFor("Type " + target + " and press enter to confirm:")
	c.Type(target)
	c.WaitFor("> " + target)
	c.Keys("enter")
}

// A simulated stop leaves the service exited on every screen, and a start
// runs it again: the simulator does what it says it did.
func TestSimulatedStopAndStartChangeTheFleet(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("down", "down") // chat-web
		waitRow(t, c, "chat-web", "UP")
		c.Keys("s")
		waitPlan(t, c, "STOP chat-web", "docker@prod-1: stop chat-web-1 (simulated)")
		confirmTyped(t, c, "chat-web")
		waitDone(t, c, "STOP chat-web", "  ok")
		closeDetail(t, c, "FLEET")
		waitRow(t, c, "chat-web", "DOWN")
		c.Keys("enter") // its project: the container is exited
		waitCrumb(t, c, "chat")
		waitRow(t, c, "chat-web", "chat-web-1", "exited")
		closeDetail(t, c, "FLEET")

		c.Keys("S")
		waitPlan(t, c, "START chat-web", "docker@prod-1: start chat-web-1 (simulated)")
		c.WaitFor("Proceed? y confirm · n/esc cancel")
		c.Keys("y")
		waitDone(t, c, "START chat-web", "  ok")
		closeDetail(t, c, "FLEET")
		waitRow(t, c, "chat-web", "UP")
	})
}

// Restarting a crash-looping service fails with the reason it crashed,
// and the fleet still says it is down: no "done" for what did not work.
func TestSimulatedRestartOfACrashLoopFails(t *testing.T) {
	o := demoConfig(t, "chat-web:               {rps: 110,", "chat-web:               {down: true, rps: 110,")
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("down", "down") // chat-web
		waitRow(t, c, "chat-web", "DOWN")
		c.Keys("r")
		waitPlan(t, c, "RESTART chat-web", "docker@prod-1: restart chat-web-1 (simulated)")
		confirmTyped(t, c, "chat-web")
		waitEnded(t, c, "RESTART chat-web", "✖ failed after ", "chat-web-1 exited (1) 2s after the restart")
		if s := c.Screen(); strings.Contains(s, "✔ done") {
			t.Fatalf("a failed restart says done:\n%s", s)
		}
		closeDetail(t, c, "FLEET")
		waitRow(t, c, "chat-web", "DOWN")
	})
}

// A simulated restore takes its time, table by table, and ctrl+c cancels
// it before it ends.
func TestSimulatedRestoreTakesTimeAndCancels(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("6")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		c.Keys("b") // chat, the first row
		waitPlan(t, c, "RESTORE chat")
		confirmTyped(t, c, "chat")
		c.WaitFor(`pg_restore: processing data for table "public.users" (simulated)`)
		c.Keys("ctrl+c")
		waitEnded(t, c, "RESTORE chat", "✖ cancelled after ")
		if s := c.Screen(); strings.Contains(s, `"public.audit_events"`) {
			t.Fatalf("the restore ran to its last table although cancelled:\n%s", s)
		}
		c.WaitFor("⚠ chat may be half-restored: check it, or restore again")
	})
}

// A rollback cancelled halfway says what it had already changed: the
// containers it began to replace, not only "cancelled".
func TestCancelledRollbackListsWhatItChanged(t *testing.T) {
	o := demoConfig(t, "    timeout: 1s\n    profiles:", "    timeout: 1s\n    action_step: 1500ms\n    profiles:")
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("/")
		c.Type("chat-backend")
		c.Keys("enter")
		c.WaitMatch(regexp.MustCompile(`(?m)^chat-backend\s`))
		c.Keys("R")
		c.WaitFor("Choose (version, ↑/↓):")
		waitPlan(t, c, "ROLLBACK chat-backend")
		c.Type("chat-backend")
		c.Keys("enter")
		c.WaitMatch(regexp.MustCompile(`» docker@prod-1: rollback chat-backend-\w+-1 to v`))
		c.Keys("ctrl+c")
		waitEnded(t, c, "ROLLBACK chat-backend", "✖ cancelled after ")
		c.WaitFor("before it was cancelled it had begun:")
		c.WaitMatch(regexp.MustCompile(`• docker@prod-1: rollback chat-backend-\w+-1 to v`))
	})
}

// A down service serves nothing: its latency row says DOWN and why where
// the sparkline was, not a "?" that reads as missing data.
func TestLatencyRowOfADownService(t *testing.T) {
	o := demoConfig(t, "chat-web:               {rps: 110,", "chat-web:               {down: true, rps: 110,")
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		c.Keys("4")
		waitHeading(t, c, "RESPONSE TIME (p95)")
		c.Until("chat-web's latency row saying DOWN", tuitest.ConsoleWait, func(s string) bool {
			for _, l := range strings.Split(s, "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "chat-web ") {
					return strings.Contains(l, "DOWN · exited") && strings.Contains(l, "✖ DOWN") && !strings.Contains(l, "?")
				}
			}
			return false
		})
	})
}
