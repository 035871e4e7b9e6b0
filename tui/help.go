package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// helpView lists every enabled binding, generated from the keymap: the
// active view's own keys first, then navigation and the global ones.
func (m *Model) helpView(w, h int) string {
	t := m.opts.Theme
	k := m.opts.Keys
	groups := []struct {
		title string
		keys  []key.Binding
	}{}
	for i, g := range m.active().FullHelp() {
		title := m.active().Title()
		if i > 0 {
			title = ""
		}
		groups = append(groups, struct {
			title string
			keys  []key.Binding
		}{title, g})
	}
	groups = append(groups,
		struct {
			title string
			keys  []key.Binding
		}{"Navigation", k.Navigation()},
		struct {
			title string
			keys  []key.Binding
		}{"Global", k.Global()},
	)
	lines := []string{t.Title.Render("KEY BINDINGS") + t.Subtle.Render("  (? or esc to close; remap under keys: in the config)")}
	seen := map[string]bool{}
	for _, g := range groups {
		var rows []string
		for _, b := range g.keys {
			if !b.Enabled() || seen[b.Help().Key+b.Help().Desc] {
				continue
			}
			seen[b.Help().Key+b.Help().Desc] = true
			rows = append(rows, "  "+t.Key.Render(padRight(b.Help().Key, 14))+t.KeyDesc.Render(b.Help().Desc))
		}
		if len(rows) == 0 {
			continue
		}
		if g.title != "" {
			lines = append(lines, "", t.Bold.Render(g.title))
		}
		lines = append(lines, rows...)
	}
	return columns(lines, w, h)
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(n-ansi.StringWidth(s), 1))
}

// columns flows lines into as many columns as the width allows so help
// fits at 80x24.
func columns(lines []string, w, h int) string {
	if h <= 0 || len(lines) <= h {
		return strings.Join(lines, "\n")
	}
	colW := 0
	for _, l := range lines {
		colW = max(colW, ansi.StringWidth(l))
	}
	colW += 2
	ncol := max(w/colW, 1)
	out := make([]string, h)
	for i, l := range lines {
		c, r := i/h, i%h
		if c >= ncol {
			break
		}
		out[r] += padRight(l, colW)
	}
	return strings.Join(out, "\n")
}
