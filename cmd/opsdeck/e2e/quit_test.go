//go:build unix

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// quitRestored presses q and fails the test unless the console exits 0
// and gives the terminal back as it found it.
func quitRestored(t *testing.T, c *tuitest.Console) {
	t.Helper()
	if err := c.Quit(); err != nil {
		t.Fatalf("q: %v", err)
	}
	if err := c.Restored(); err != nil {
		t.Fatalf("after q: %v", err)
	}
}

// q on a tab (not the first) exits 0 and restores the terminal.
func TestQuitFromATabRestoresTheTerminal(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("6")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		quitRestored(t, c)
	})
}

// q while an action runs does not quit: on the action screen q goes back
// to the Fleet, as it does from any detail, and there, where it would
// quit, it warns that the action still runs. Once it has ended, q quits.
//
// The simulated restart of chat-backend takes two steps, made 2 s each
// here (sources.simulator.action_step): q is pressed as soon as the
// action screen says it is running, and both must land before the action
// ends.
// With the demo's 300 ms steps a CI machine running the suite on two
// cores pressed it after the action had ended, and the console quit, as
// it should then. The test logs how soon the warning came.
func TestQuitWithAnActionRunningWarns(t *testing.T) {
	o := demoConfig(t, "    timeout: 1s\n    profiles:", "    timeout: 1s\n    action_step: 2s\n    profiles:")
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("down", "r")
		waitPlan(t, c, "RESTART chat-backend")
		c.Type("chat-backend")
		c.WaitFor("> chat-backend")
		c.Keys("enter")
		c.WaitFor("● running")
		running := time.Now()
		c.Keys("q")
		c.Until("q back to the Fleet", tuitest.ConsoleWait, func(s string) bool {
			return hasHeading(s, "FLEET") && !strings.Contains(row(s, 1), "›")
		})
		c.Keys("q")
		waitNotice(t, c, h, "1 action(s) still running: wait for them or ctrl+c to cancel")
		t.Logf("warned %v after the action screen said running", time.Since(running).Round(time.Millisecond))
		waitNotice(t, c, h, "restart chat-backend: done")
		quitRestored(t, c)
	})
}
