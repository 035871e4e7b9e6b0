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
