//go:build unix

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// waitDone waits for the action screen of title ("RESTART chat-backend")
// to say it is done, with each line of output it must show.
func waitDone(t *testing.T, c *tuitest.Console, title string, output ...string) {
	t.Helper()
	c.Until(title+" done", tuitest.ConsoleWait, func(s string) bool {
		if !hasHeading(s, title+"  by root") || !strings.Contains(row(s, 3), "✔ done in ") {
			return false
		}
		for _, o := range output {
			if !strings.Contains(s, "» "+o) {
				return false
			}
		}
		return true
	})
}

// A restart confirmed by typing the service's name (a name typed short
// confirms nothing) runs to its end on the action screen, with the audit
// log's before and after; esc goes back to the Fleet.
func TestRestartRunsToTheEnd(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("down", "r") // chat-backend
		steps := []string{"docker@prod-1: restart chat-backend-blue-1 (simulated)", "docker@prod-1: restart chat-backend-green-1 (simulated)"}
		waitPlan(t, c, "RESTART chat-backend", steps...)
		c.Type("chat-backen")
		c.WaitFor("> chat-backen")
		c.Keys("enter") // not the name: nothing happens
		c.Type("d")
		c.WaitFor("> chat-backend")
		if s := c.Screen(); !strings.Contains(s, "Type chat-backend and press enter to confirm:") {
			t.Fatalf("enter on a name typed short closed the dialog:\n%s", s)
		}
		noAudit(t, c)
		c.Keys("enter")
		waitDone(t, c, "RESTART chat-backend", steps[0], steps[1], "  ok")
		waitCrumb(t, c, "restart chat-backend")
		waitNotice(t, c, h, "restart chat-backend: done")

		before, after := waitAuditPair(t, c, "restart", "chat-backend")
		if before.User != "root" || !slices.Equal(before.Steps, steps) || after.Result != "ok" {
			t.Errorf("audit: before %+v, after %+v; want root's, with the plan's steps, and ok", before, after)
		}
		closeDetail(t, c, "FLEET")
	})
}

// m on an alert asks how long and why, then plans the silence (esc
// cancels at either stage, nothing done), and y runs it: the action
// screen says done, the audit log has it with its duration and comment,
// and :silences lists it. X there offers to expire it; esc cancels, and
// y expires it.
func TestSilenceRunsToTheEndAndExpires(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("5")
		waitHeading(t, c, "ACTIVE ALERTS")
		form := func() {
			c.Keys("m") // HighMemoryUsage, the first row
			c.Until("the silence's form", tuitest.ConsoleWait, func(s string) bool {
				return strings.Contains(s, "SILENCE HighMemoryUsage  as root") &&
					strings.Contains(s, "› duration    1h  2h  4h  8h  24h") &&
					strings.Contains(s, "comment    why it is muted (required)")
			})
			c.Pause(readPlan)
		}
		form()
		c.Keys("esc")
		waitNotice(t, c, h, "silence HighMemoryUsage: cancelled, nothing done")
		c.WaitGone("SILENCE HighMemoryUsage")

		// The form filled in: 2h → 4h, a comment; the plan says so, with
		// every matcher (the alert's name and service).
		step := "alertmanager: silence alerts for 4h, until "
		steps := []string{step, `where alertname="HighMemoryUsage"`, `and service="picture-backend"`, `created by root, comment "rollout of a fix"`}
		planned := func() {
			form()
			c.Keys("right", "tab")
			c.Type("rollout of a fix")
			c.WaitFor("rollout of a fix")
			c.Keys("enter")
			waitPlan(t, c, "SILENCE HighMemoryUsage", steps...)
			c.WaitFor("Proceed? y confirm · n/esc cancel")
		}
		replaceNotice(t, c, h)
		planned()
		c.Keys("esc")
		waitCancelled(t, c, h, "silence HighMemoryUsage")
		noAudit(t, c)

		planned()
		c.Keys("y")
		waitDone(t, c, "SILENCE HighMemoryUsage", step, "  ok")
		before, after := waitAuditPair(t, c, "silence", "HighMemoryUsage")
		if before.Params["duration"] != "4h" || before.Params["comment"] != "rollout of a fix" || after.Result != "ok" {
			t.Errorf("audit: before %+v, after %+v; want 4h, the comment, and ok", before, after)
		}
		closeDetail(t, c, "ACTIVE ALERTS")

		palette(t, c, "silences")
		c.Until("the new silence listed", tuitest.ConsoleWait, func(s string) bool {
			return silencesLoadedRE.MatchString(s) && silenceRow(s, "ACTIVE", "rollout of a fix")
		})
		c.Keys("X")
		expire := "alertmanager: expire silence sim-1 now (simulated)"
		waitPlan(t, c, "EXPIRE sim-1", expire)
		c.Keys("esc")
		waitCancelled(t, c, h, "expire sim-1")
		c.Keys("X")
		waitPlan(t, c, "EXPIRE sim-1", expire)
		c.Keys("y")
		waitDone(t, c, "EXPIRE sim-1", expire, "  ok")
		c.Keys("esc")
		c.Until("the silence expired", tuitest.ConsoleWait, func(s string) bool {
			return silencesLoadedRE.MatchString(s) && silenceRow(s, "EXPIRED", "rollout of a fix")
		})
	})
}

// silenceRow says whether the silences list has a row in state for the
// alert silenced above, with its comment.
func silenceRow(screen, state, comment string) bool {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, state+" ") && strings.Contains(l, "alertname=HighMemoryUsage") && strings.HasSuffix(l, comment) {
			return true
		}
	}
	return false
}
