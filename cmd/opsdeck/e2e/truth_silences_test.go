//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// silencedRowRE is the alerts screen's row of picture-backend's memory
// alert while a silence mutes it: the summary says until when, the state
// says silenced. A silence that ends on another day names it ("until
// 12-03 01:46": CI ran this at 23:46).
var silencedRowRE = regexp.MustCompile(`picture-backend\s+until (\d\d-\d\d )?\d\d:\d\d · High Memory.*silenced`)

// A silence does what was asked and no more: its plan states every
// matcher, the duration and the comment; the alert it matches stays on
// the alerts screen as silenced, until when; the silences list has both
// matchers; an expired silence cannot be expired again; once expired the
// alert fires again.
func TestSilenceMatchesWhatWasAsked(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("5")
		waitHeading(t, c, "ACTIVE ALERTS")
		c.Keys("m") // HighMemoryUsage of picture-backend, the first row
		c.WaitFor("comment    why it is muted (required)")
		c.Pause(readPlan)
		c.Keys("tab")
		c.Type("fix rolling out")
		c.WaitFor("fix rolling out")
		c.Keys("enter")
		waitPlan(t, c, "SILENCE HighMemoryUsage", "alertmanager: silence alerts for 2h, until ",
			`where alertname="HighMemoryUsage"`, `and service="picture-backend"`, `created by root, comment "fix rolling out"`)
		c.Keys("y")
		waitDone(t, c, "SILENCE HighMemoryUsage", "  ok")
		closeDetail(t, c, "ACTIVE ALERTS")
		c.WaitMatch(silencedRowRE)
		c.WaitFor("Slow Query Detected (250ms)") // the silence matches no other alert

		// The list has the service matcher too (at 80 columns its column
		// is cut after "se…"); the expiry's plan names both in full.
		palette(t, c, "silences")
		c.Until("the silence with both matchers", tuitest.ConsoleWait, func(s string) bool {
			return silencesLoadedRE.MatchString(s) && strings.Contains(s, "alertname=HighMemoryUsage se")
		})
		c.Keys("X")
		waitPlan(t, c, "EXPIRE sim-1", "alertmanager: expire silence sim-1 now (simulated)", "it matches alertname=HighMemoryUsage service=picture-backend")
		c.Keys("y")
		waitDone(t, c, "EXPIRE sim-1", "  ok")
		c.Keys("esc")
		c.Until("the silence expired", tuitest.ConsoleWait, func(s string) bool {
			return silencesLoadedRE.MatchString(s) && silenceRow(s, "EXPIRED", "fix rolling out")
		})
		c.Keys("X")
		waitNotice(t, c, h, "expire sim-1: expired at ")
		waitNotice(t, c, h, "already: nothing to expire")

		c.Keys("esc")
		waitHeading(t, c, "ACTIVE ALERTS")
		c.Until("the alert firing again", tuitest.ConsoleWait, func(s string) bool {
			r := tableRow(s, "▲ WARNING   picture-backend")
			return r != "" && !silencedRowRE.MatchString(s) && strings.Contains(r, "firing")
		})
	})
}
