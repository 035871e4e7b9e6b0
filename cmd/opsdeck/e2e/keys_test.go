//go:build unix

package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// What a k9s, less or vim user's fingers expect: a search counts its
// matches and wraps, ctrl+d and ctrl+u move half a page, and q closes
// what is open before it quits.

// searchCountRE is the logs' footer while a search is applied: the term,
// then [current match/matching lines in the buffer].
var searchCountRE = regexp.MustCompile(`search "([^"]+)" \[(\d+)/(\d+)\]`)

// waitSearchCount waits until the logs' footer counts matches as ok says
// and returns the count.
func waitSearchCount(t *testing.T, c *tuitest.Console, what string, ok func(cur, total int) bool) (cur, total int) {
	t.Helper()
	c.Until("the search count: "+what, tuitest.ConsoleWait, func(s string) bool {
		m := searchCountRE.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		cur, _ = strconv.Atoi(m[2])
		total, _ = strconv.Atoi(m[3])
		return ok(cur, total)
	})
	return cur, total
}

// logsKeys are the logs' own keys as the help lists them and the footer
// says them, in the same words.
var logsKeys = [][2]string{
	{"/", "search"}, {"n/N", "next/prev match"}, {"p", "pause/follow"},
	{"w", "wrap"}, {"t", "timestamps"}, {"esc", "back"},
}

// footerOf is the footer that says keys: "/ search  n/N next/prev match…".
func footerOf(keys [][2]string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k[0] + " " + k[1]
	}
	return strings.Join(parts, "  ")
}

// waitHelpLists opens the help and waits for every entry of keys, then
// closes it with esc.
func waitHelpLists(t *testing.T, c *tuitest.Console, keys [][2]string) {
	t.Helper()
	c.Keys("?")
	waitHeading(t, c, helpHeading)
	c.Until("the help listing "+footerOf(keys), tuitest.ConsoleWait, func(s string) bool {
		for _, k := range keys {
			if !helpEntry(k[0], k[1]).MatchString(s) {
				return false
			}
		}
		return true
	})
	c.Keys("esc")
	c.WaitGone(helpHeading)
}

// In the logs, / searches and the footer counts: [current/matching lines
// in the buffer]. enter goes to the newest match (the last), n to the
// next older, N back; N past the newest wraps to the oldest, [1/…], and
// the status bar says "search wrapped to the top"; n past the oldest
// wraps to the newest and says "search wrapped to the bottom". The help
// and the footer say each key in the same words.
//
// A quarter of the simulated lines are GET /api/health, and a line comes
// every 400 ms: the count grows while the test runs, at its newest end.
func TestLogsSearchCountsMatchesAndWraps(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		openFleetLogs(t, c)
		waitLogCountAbove(t, c, 0) // the tail of 200 lines is there
		c.WaitFor(footerOf(logsKeys))
		waitHelpLists(t, c, logsKeys)

		c.Keys("/")
		c.Type("api/health")
		c.WaitFor("/api/health")
		c.Keys("enter")
		cur, total := waitSearchCount(t, c, "at the newest match", func(cur, total int) bool { return total > 0 && cur == total })
		if total < 3 {
			t.Fatalf("only %d lines of the tail match api/health", total)
		}
		applied := [][2]string{{"n/N", "next/prev match"}, {"esc", "clear search"}}
		c.WaitMatch(regexp.MustCompile(`search "api/health" \[\d+/\d+\]  ` + regexp.QuoteMeta(footerOf(applied))))
		waitHelpLists(t, c, applied)

		c.Keys("n")
		waitSearchCount(t, c, "one match older", func(c2, t2 int) bool { return c2 == cur-1 && t2 >= total })
		c.Keys("N")
		waitSearchCount(t, c, "back to the newest", func(c2, _ int) bool { return c2 == cur })

		// N past the newest match wraps to the oldest. A newer match may
		// have come meanwhile: then N goes to it, and the next N tries again.
		for i := 0; cur != 1; i++ {
			if i == 20 {
				t.Fatalf("20 N after match %d and no wrap to the first", cur)
			}
			prev := cur
			c.Keys("N")
			cur, total = waitSearchCount(t, c, fmt.Sprintf("N after match %d", prev), func(c2, _ int) bool { return c2 == 1 || c2 == prev+1 })
		}
		waitNotice(t, c, h, "search wrapped to the top")

		c.Keys("n")
		waitSearchCount(t, c, "n past the oldest: the newest", func(c2, t2 int) bool { return c2 == t2 && t2 >= total })
		waitNotice(t, c, h, "search wrapped to the bottom")

		c.Keys("esc")
		c.WaitGone(`search "api/health"`)
		c.WaitFor(footerOf(logsKeys))
	})
}

// fleetDataRows is how many rows of data the Fleet's table shows on a
// terminal h rows high: all but the console's header, tab bar and status
// bar, and the screen's heading, table header and metrics line.
func fleetDataRows(h int) int { return h - 6 }

// ctrl+d and ctrl+u move half a page, as in vim and less: on the Fleet
// the selection (seen as the row whose logs l opens) moves by half the
// rows shown, and stops at the last and the first; in the logs the lines
// move by half the lines shown, so after ctrl+d the line that was
// half-way down is at the top, and ctrl+u brings back what was there.
func TestHalfPageKeysMoveTablesAndLogs(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		rows := waitFleetOrder(t, c, "as given", 15, func([]string) bool { return true })
		half := fleetDataRows(h) / 2
		last := len(rows) - 1

		sel := min(half, last)
		c.Keys("ctrl+d", "l")
		waitHeading(t, c, "LOGS "+rows[sel])
		closeDetail(t, c, "FLEET")
		c.Keys("G", "ctrl+u", "l")
		sel = max(last-half, 0)
		waitHeading(t, c, "LOGS "+rows[sel])
		c.WaitMatch(logLineRE)

		// The logs show h-5 lines: all but the console's three rows and
		// the logs' heading and footer. The tail has 200.
		body := h - 5
		half = body / 2
		c.Keys("ctrl+u")
		c.Until("the logs paused by ctrl+u", tuitest.ConsoleWait, func(s string) bool {
			return strings.Contains(heading(s), "paused · ")
		})
		up := c.Screen()
		c.Keys("ctrl+d")
		c.Until("the line half-way down at the top after ctrl+d", tuitest.ConsoleWait, func(s string) bool {
			return row(s, 3) == row(up, 3+half) && row(s, 3) != ""
		})
		c.Keys("ctrl+u")
		c.Until("the first line back at the top after ctrl+u", tuitest.ConsoleWait, func(s string) bool {
			return row(s, 3) == row(up, 3) && row(s, 3+half) == row(up, 3+half)
		})
	})
}

// q closes what is open, as esc does, and quits only from a tab: the
// help, a detail (the logs, with the help over them), a confirmation
// whose focus is not on text; the status bar says what q does. Where
// text is typed (the logs' search, a table's filter, the palette, a
// form's text field) q is a letter. From a tab q quits.
func TestQClosesWhatIsOpenAndQuitsOnlyFromATab(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		hint := func(what string) {
			t.Helper()
			c.Until("the status bar's hint "+what, tuitest.ConsoleWait, func(s string) bool {
				bar, ok := statusBar(s, h)
				return ok && strings.HasSuffix(bar, what)
			})
		}
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		hint("q quit")
		c.Keys("?")
		waitHeading(t, c, helpHeading)
		hint("q close")
		c.Keys("q")
		waitHeading(t, c, "FLEET")

		c.Keys("down", "l")
		waitHeading(t, c, "LOGS chat-backend")
		hint("q back")
		c.Keys("?")
		waitHeading(t, c, helpHeading)
		c.Keys("q")
		waitHeading(t, c, "LOGS chat-backend")
		c.Keys("/", "q")
		c.WaitFor("/q")
		c.Keys("esc")
		c.WaitGone("/q")
		c.Keys("q")
		c.Until("q back to the Fleet", tuitest.ConsoleWait, func(s string) bool {
			return hasHeading(s, "FLEET") && !strings.Contains(row(s, 1), "›")
		})

		c.Keys("/", "q")
		c.WaitFor(`nothing matches "q"`)
		c.Keys("esc")
		c.WaitGone("/q")
		c.Keys(":", "q")
		c.WaitFor(":q")
		c.Keys("esc")
		c.WaitGone(":q")

		c.Keys("5")
		waitHeading(t, c, "ACTIVE ALERTS")
		form := func() {
			c.Keys("m") // HighMemoryUsage, the first row
			c.WaitFor("› duration    1h  2h  4h  8h  24h")
			c.Pause(readPlan)
		}
		form()
		c.Keys("q") // on the duration, a choice: q cancels
		waitNotice(t, c, h, "silence HighMemoryUsage: cancelled, nothing done")
		c.WaitGone("SILENCE HighMemoryUsage")
		replaceNotice(t, c, h)
		form()
		c.Keys("tab", "q") // in the comment, text: q is typed
		c.WaitFor("comment    q")
		c.Keys("esc")
		waitNotice(t, c, h, "silence HighMemoryUsage: cancelled, nothing done")
		c.WaitGone("SILENCE HighMemoryUsage")

		quitRestored(t, c)
	})
}
