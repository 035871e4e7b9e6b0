//go:build unix

package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The wizard as a person walks it on the Incident tab: each step is a
// line "▶ Title  [kind]" and what it wants below; every answer lands on
// the timeline.

// waitStep waits for the wizard's current step.
func waitStep(t *testing.T, c *tuitest.Console, title, kind string) {
	t.Helper()
	c.WaitFor("▶ " + title + "  [" + kind + "]")
}

// openIncident opens a new incident from the Incident tab and takes the
// answer to "What failed?" that is option i (from 0) of the four.
func openIncident(t *testing.T, c *tuitest.Console, i int, branch string) {
	t.Helper()
	c.Keys("9")
	waitHeading(t, c, "DISASTER RECOVERY")
	c.Keys("n")
	waitStep(t, c, "What failed?", "choice")
	c.WaitFor("Incident opened: Incident under investigation · root")
	for range i {
		c.Keys("j")
	}
	c.WaitFor(" › " + branch)
	c.Keys("enter")
	c.WaitFor("branch " + branch)
	c.WaitFor("What failed?: " + branch + " · root")
}

// setVar answers the step's question for a variable: enter, the prefix
// typed, tab completes it to full, enter.
func setVar(t *testing.T, c *tuitest.Console, name, prefix, full string) {
	t.Helper()
	c.WaitFor("needs " + name + ": press enter to type it")
	c.Keys("enter")
	c.WaitFor(name + " (tab completes):")
	c.Type(prefix)
	c.WaitFor("› " + prefix)
	c.Keys("tab")
	c.WaitFor("› " + full)
	c.Keys("enter")
	c.WaitFor(name + ": " + full + " · root")
}

// takeLive takes the live answer the step offers, which must be want
// ("yes" or "no"), and sees it on the timeline.
func takeLive(t *testing.T, c *tuitest.Console, step, want string) {
	t.Helper()
	c.WaitFor("a take the live answer: " + want + " (")
	c.Keys("a")
	c.WaitFor(step + ": " + want + " (live: ")
}

// runStep runs the step's action: enter opens its confirmation, the plan
// is read and confirmed (the target typed when it is destructive), the
// action screen shows it done, and esc goes back to the wizard.
func runStep(t *testing.T, c *tuitest.Console, kind, target string, destructive bool) {
	t.Helper()
	c.WaitFor("enter " + kind + " " + target + " (confirmed first)")
	c.Keys("enter")
	title := strings.ToUpper(kind) + " " + target
	waitPlan(t, c, title)
	if destructive {
		c.WaitFor("Type " + target + " and press enter to confirm:")
		c.Type(target)
		c.WaitFor("> " + target)
		c.Keys("enter")
	} else {
		c.WaitFor("Proceed? y confirm · n/esc cancel")
		c.Keys("y")
	}
	waitDone(t, c, title)
	c.Keys("esc")
	c.WaitFor(kind + " " + target + ": ok · root")
}

// tickAll ticks each of a manual step's n items in turn, then enter says
// it is done.
func tickAll(t *testing.T, c *tuitest.Console, title string, n int) {
	t.Helper()
	for i := range n {
		c.Keys("space")
		c.Until(fmt.Sprintf("%d of %d items ticked", i+1, n), tuitest.ConsoleWait, func(s string) bool {
			return strings.Count(s, "[x]") == i+1
		})
		if i < n-1 {
			c.Keys("j")
		}
	}
	c.Keys("enter")
	c.WaitFor(title + ": done · root")
}

// waitResolved waits for the incident to be resolved, as the wizard and
// its timeline say.
func waitResolved(t *testing.T, c *tuitest.Console, ending string) {
	t.Helper()
	c.WaitMatch(regexp.MustCompile(`✔ RESOLVED|⇢ HANDED OVER`))
	c.WaitFor("POST-INCIDENT ACTIONS  space tick · w write the report")
	c.WaitFor(ending)
}
