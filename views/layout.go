package views

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// fitLine truncates a styled line to w cells.
func fitLine(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// spread puts left and right on one line of width w, dropping the right
// part when both do not fit.
func spread(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+1+rw > w {
		return fitLine(left, w)
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// clock formats a time of day in UTC, the seed's "12:34:56".
func clock(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.UTC().Format("15:04:05")
}
