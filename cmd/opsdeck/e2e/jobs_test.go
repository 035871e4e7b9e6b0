//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// esc leaves a running restore in the background: the header counts it,
// :jobs lists it running, enter reopens its screen with its output (the
// badge gone while it is in front), and once done :jobs says so.
func TestJobsListAndReopenARunningAction(t *testing.T) {
	t.Parallel()
	o := demoConfig(t, "    timeout: 1s\n    profiles:", "    timeout: 1s\n    action_step: 700ms\n    profiles:")
	o.Width, o.Height = 120, 30
	c := tuitest.StartConsole(t, opsdeck, o)
	c.Keys("6")
	waitHeading(t, c, "DATABASE PERFORMANCE")
	c.Keys("b") // chat
	c.WaitFor("Type chat and press enter to confirm:")
	c.Pause(readPlan)
	c.Type("chat")
	c.Keys("enter")
	c.WaitFor("esc: run in background (:jobs reopens it)")
	c.Keys("esc")
	waitHeading(t, c, "DATABASE PERFORMANCE")
	c.WaitFor("⚙ 1 running")

	palette(t, c, "jobs")
	waitHeading(t, c, "JOBS  actions of this console, newest first (enter reopens)")
	c.WaitMatch(regexp.MustCompile(`\d\d:\d\d:\d\d\s+restore chat\s+root\s+● running`))
	c.Keys("enter")
	c.WaitFor("RESTORE chat  by root")
	c.WaitFor(`pg_restore: processing data for table "public.users" (simulated)`) // its output so far
	if strings.Contains(row(c.Screen(), 0), "⚙") {
		t.Errorf("the header counts the action in front as running out of sight:\n%s", c.Screen())
	}
	c.WaitFor("✔ done in")
	c.Keys("esc")
	waitHeading(t, c, "JOBS  actions of this console, newest first (enter reopens)")
	c.WaitMatch(regexp.MustCompile(`restore chat\s+root\s+✔ ok`))
}
