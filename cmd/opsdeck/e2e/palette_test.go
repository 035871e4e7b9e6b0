//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The palette completes with tab, matches fuzzily, knows aliases, passes
// what follows a screen's name to it, and names a command it does not
// know.
func TestPaletteCompletesMatchesAndRuns(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()

		c.Keys(":")
		c.Type("sil")
		c.WaitFor("silences (sil, silence)  list Alertmanager silences (X expires one)")
		c.Keys("tab")
		c.WaitFor(":silences")
		c.Keys("enter")
		c.WaitMatch(silencesLoadedRE)
		c.Keys("esc")
		waitHeading(t, c, "SYSTEM HEALTH OVERVIEW")

		// Fuzzy: "dpl" is in no name, but deploys has its letters in
		// order; enter takes the best match.
		c.Keys(":")
		c.Type("dpl")
		c.WaitFor("deploys (deploy, bg, canary)  show Deploys")
		c.WaitFor(":dpl")
		c.Keys("enter")
		waitHeading(t, c, "DEPLOYMENTS (BLUE/GREEN)")

		// An alias that is no prefix of its name.
		palette(t, c, "top")
		waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")

		// A screen with an argument.
		palette(t, c, "logs chat-backend")
		waitHeading(t, c, "LOGS chat-backend")
		c.WaitMatch(logLineRE)
		c.Keys("esc")
		waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")

		// ...and without the argument it needs.
		palette(t, c, "logs")
		waitNotice(t, c, h, "logs: name a service (:logs chat-backend)")
		waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")

		palette(t, c, "bogus")
		waitNotice(t, c, h, "unknown command :bogus")
		waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")
	})
}

// tab cycles the palette's candidates into the line, as a shell's menu
// does, the selected one marked › in an aligned list; ↓ moves the
// selection and enter runs the selected candidate.
func TestPaletteTabCyclesCandidates(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 120, Height: 30})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys(":")
	c.Type("sil")
	c.WaitFor("› silences (sil, silence)")
	c.Keys("tab")
	c.WaitFor(":silences")
	c.Keys("esc")
	c.Keys(":")
	c.Type("e")     // many candidates
	c.WaitFor(":e") // the candidates are ranked for what is typed
	c.Pause(readPlan)
	c.WaitMatch(regexp.MustCompile(`› (\S+)`))
	first := regexp.MustCompile(`› (\S+)`).FindStringSubmatch(c.Screen())[1]
	c.Keys("tab")
	c.WaitFor(":" + first)
	c.Keys("tab")
	c.Until("the second candidate in the line", tuitest.ConsoleWait, func(s string) bool {
		m := regexp.MustCompile(`› (\S+)`).FindStringSubmatch(s)
		return m != nil && m[1] != first && strings.Contains(s, ":"+m[1])
	})
}
