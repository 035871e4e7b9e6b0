package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// dialogBox frames the confirm dialog for a body of w×h: wrapped, and
// scrolled when it does not fit (confirmscroll.go).
func (m *Model) dialogBox(w, h int) []string {
	inner := confirmInner(w)
	lines := m.confirm.visible(m.theme, w, h)
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).
		BorderForeground(m.theme.P.Warn).Padding(0, 1).Width(inner + 4).
		Render(strings.Join(lines, "\n"))
	return strings.Split(box, "\n")
}

// overlayCenter draws box over the middle of body (w cells wide), keeping
// the body visible around it so the user still sees what they act on.
func overlayCenter(body string, box []string, w int) string {
	lines := strings.Split(body, "\n")
	bw := 0
	for _, b := range box {
		bw = max(bw, ansi.StringWidth(b))
	}
	top := max((len(lines)-len(box))/2, 0)
	left := max((w-bw)/2, 0)
	for i, b := range box {
		j := top + i
		if j >= len(lines) {
			break
		}
		l := lines[j]
		pad := left - ansi.StringWidth(l)
		prefix := ansi.Truncate(l, left, "")
		if pad > 0 {
			prefix += strings.Repeat(" ", pad)
		}
		lines[j] = prefix + b + ansi.TruncateLeft(l, left+bw, "")
	}
	return strings.Join(lines, "\n")
}
