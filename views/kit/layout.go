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

// Spread puts left and right on one line of width w, dropping the right
// part when both do not fit.
func Spread(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+1+rw > w {
		return FitLine(left, w)
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
