package kit

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// FitLine truncates a styled line to w cells.
func FitLine(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// minSpreadRight is the least of a right part worth showing cut.
const minSpreadRight = 12

// Spread puts left and right on one line of width w, cutting the right
// part when both do not fit, and dropping it where not even
// minSpreadRight cells of it would.
func Spread(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+1+rw > w {
		// The right side is cut before it is dropped: it is where a
		// panel says its data is stale or partial.
		room := w - lw - 2
		if room < minSpreadRight {
			return FitLine(left, w)
		}
		right = ansi.Truncate(right, room, "…")
		rw = ansi.StringWidth(right)
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// Wrap breaks plain text into lines of at most w cells, at spaces where it
// can (a word longer than w is cut across lines, never dropped). Text that
// must be read whole (a prompt, an escalation, a checklist step) is
// wrapped, never truncated with FitLine.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}
