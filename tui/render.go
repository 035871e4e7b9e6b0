package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/views/table"
)

// View renders the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.cachedFrame())
	v.AltScreen = true
	v.WindowTitle = "opsdeck · " + m.snap.Environment
	return v
}

func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.width < MinWidth || m.height < MinHeight {
		return m.tooSmall()
	}
	w, h := m.bodySize()
	var body string
	if m.showHelp {
		body = m.helpView(w, h)
	} else {
		body = m.active().View()
	}
	body = fitBlock(body, w, h)
	if m.palette.open {
		body = overlayBottom(body, m.palette.suggestions(m.theme, w), h)
	}
	if m.confirm.open() {
		body = overlayCenter(body, m.dialogBox(w, h), w)
	}
	status := m.statusLines()
	body = overlayBottom(body, status[:len(status)-1], h)
	return strings.Join([]string{m.header(), m.tabBar(), body, status[len(status)-1]}, "\n")
}

func (m *Model) tooSmall() string {
	msg := []string{
		"terminal too small",
		sizeText(m.width, m.height) + " (need " + sizeText(MinWidth, MinHeight) + ")",
	}
	var lines []string
	for i := 0; i < m.height; i++ {
		line := ""
		if j := i - (m.height-len(msg))/2; j >= 0 && j < len(msg) {
			line = msg[j]
		}
		lines = append(lines, ansi.Truncate(line, m.width, ""))
	}
	return strings.Join(lines, "\n")
}

// fitBlock makes s exactly h lines of at most w cells.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if table.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// overlayBottom replaces the last lines of a body with an overlay.
func overlayBottom(body string, overlay []string, h int) string {
	if len(overlay) == 0 {
		return body
	}
	lines := strings.Split(body, "\n")
	start := max(len(lines)-len(overlay), 0)
	for i := start; i < len(lines); i++ {
		lines[i] = overlay[i-start]
	}
	return strings.Join(lines, "\n")
}
