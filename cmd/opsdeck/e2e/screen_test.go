//go:build unix

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The console's frame, as a person reads it: the header on the first row,
// the tabs on the second, the active screen from the third, the status
// bar on the last. Console.Screen trims trailing blank lines, so a frame
// whose status bar is on the terminal's last row has exactly h lines.

// row is the i-th line of a screen, "" past its end.
func row(screen string, i int) string {
	lines := strings.Split(screen, "\n")
	if i < 0 || i >= len(lines) {
		return ""
	}
	return lines[i]
}

// heading is the first line of the active screen: its title, and at the
// right what its data is and how old.
func heading(screen string) string { return row(screen, 2) }

// hasHeading says whether the active screen's title is want: the heading
// starts with it and a space or ends there, so "RESPONSE TIME (p95)" is
// not taken for the chart's "RESPONSE TIME (p95 Latency) …".
func hasHeading(screen, want string) bool {
	h := heading(screen)
	return h == want || strings.HasPrefix(h, want+" ")
}

// waitHeading waits until the active screen is the one titled want.
func waitHeading(t *testing.T, c *tuitest.Console, want string) {
	t.Helper()
	c.Until(fmt.Sprintf("the screen titled %q", want), tuitest.ConsoleWait, func(s string) bool { return hasHeading(s, want) })
}

// statusBar is the last row of a w×h frame, and whether the frame ends
// there (a frame of fewer rows has no status bar on the last row).
func statusBar(screen string, h int) (string, bool) {
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		return "", false
	}
	return lines[h-1], true
}

// waitNotice waits until the status bar on the last row says text.
func waitNotice(t *testing.T, c *tuitest.Console, h int, text string) {
	t.Helper()
	c.Until(fmt.Sprintf("the status bar saying %q", text), tuitest.ConsoleWait, func(s string) bool {
		bar, ok := statusBar(s, h)
		return ok && strings.Contains(bar, text)
	})
}

// frameFits says what is wrong with a w×h frame's shell, "" if nothing:
// the header spans the width with the clock at its right edge, and the
// status bar is on the last row.
func frameFits(screen string, w, h int) string {
	header := row(screen, 0)
	if got := ansi.StringWidth(header); got != w || !strings.HasSuffix(header, " UTC") {
		return fmt.Sprintf("the header is %d columns wide (want %d, ending in the clock)", got, w)
	}
	bar, ok := statusBar(screen, h)
	if !ok {
		return fmt.Sprintf("the frame has %d rows, want %d", strings.Count(screen, "\n")+1, h)
	}
	// The key hint's start: what it says of q depends on the screen.
	if !strings.Contains(bar, "? help  : command") && !strings.HasPrefix(bar, "refreshed ") {
		return fmt.Sprintf("the last row is not the status bar: %q", bar)
	}
	return ""
}

// palette runs line from the command palette as a person does: colon,
// the text, a look that it was typed right, enter.
func palette(t *testing.T, c *tuitest.Console, line string) {
	t.Helper()
	c.Keys(":")
	c.Type(line)
	c.WaitFor(":" + line)
	c.Keys("enter")
}
