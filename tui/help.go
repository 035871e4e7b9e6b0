package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// helpView lists every enabled binding, generated from the keymap: the
// active view's own keys first, then navigation and the global ones.
func (m *Model) helpView(w, h int) string {
	t := m.theme
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
		}{"Global", m.tabKeysInOne(m.globalHelp())},
		struct {
			title string
			keys  []key.Binding
		}{"Commands (" + k.Palette.Help().Key + ", TAB: a tab's name)", m.commandHelp()},
	)
	title := t.Title.Render("KEY BINDINGS") + t.Subtle.Render("  (?, esc or q to close; remap under keys: in the config)")
	seen := map[string]bool{}
	var blocks [][]string
	for _, g := range groups {
		var rows []string
		// Each group's keys are as wide as its widest: a fixed width
		// pushed the global keys past 80 columns beside long ones.
		keyW := 0
		for _, b := range g.keys {
			if b.Enabled() {
				keyW = max(keyW, ansi.StringWidth(b.Help().Key))
			}
		}
		for _, b := range g.keys {
			if !b.Enabled() || seen[b.Help().Key+b.Help().Desc] {
				continue
			}
			seen[b.Help().Key+b.Help().Desc] = true
			rows = append(rows, "  "+t.Key.Render(padRight(b.Help().Key, keyW+2))+t.KeyDesc.Render(b.Help().Desc))
		}
		if len(rows) == 0 {
			continue
		}
		if g.title != "" || len(blocks) == 0 {
			blocks = append(blocks, []string{t.Bold.Render(orText(g.title, m.active().Title()))})
		}
		last := len(blocks) - 1
		blocks[last] = append(blocks[last], rows...)
	}
	// The title spans the width; the groups flow into columns below it.
	return title + "\n\n" + flow(blocks, w, h-2)
}

// commandHelp lists what the palette runs: a tab by its name, the
// screens opened by name and the shell's commands, by name only, a few to
// a line (the palette itself describes each as it is typed), so the help
// keeps to 80 columns.
func (m *Model) commandHelp() []key.Binding {
	names := []string{":TAB"}
	for _, c := range m.paletteCommands()[len(m.specs):] {
		names = append(names, ":"+c.name)
	}
	var out []key.Binding
	for len(names) > 0 {
		n := min(len(names), 4)
		line := strings.Join(names[:n], " ")
		out = append(out, key.NewBinding(key.WithKeys(line), key.WithHelp(line, "")))
		names = names[n:]
	}
	return out
}

// tabKeysInOne folds the tab switch keys of bs into one line ("1 2 … 0
// switch tab"): one line a tab took the global keys past 80 columns, and
// the tab bar names each tab beside its key already.
func (m *Model) tabKeysInOne(bs []key.Binding) []key.Binding {
	var out []key.Binding
	var keys []string
	isTab := map[string]bool{}
	for _, v := range m.opts.Keys.Views {
		isTab[v.Help().Key+"\x00"+v.Help().Desc] = true
	}
	for _, b := range bs {
		if isTab[b.Help().Key+"\x00"+b.Help().Desc] {
			if b.Enabled() && len(b.Keys()) > 0 {
				keys = append(keys, b.Keys()[0])
			}
			continue
		}
		out = append(out, b)
	}
	if len(keys) > 0 {
		label := strings.Join(keys, " ")
		if len(keys) > 3 {
			label = keys[0] + "–" + keys[len(keys)-1] // as the tab bar numbers them
		}
		out = append(out, key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, "switch tab")))
	}
	return out
}

// globalHelp is the global bindings as they act on the screen under the
// help: on a detail the quit keys other than ctrl+c go back, as esc does
// (see closes), and help lists them there.
func (m *Model) globalHelp() []key.Binding {
	k := m.opts.Keys
	out := k.Global()
	if len(m.stack) == 0 {
		return out
	}
	back, quit := []string{k.Back.Help().Key}, []string{}
	for _, s := range k.Quit.Keys() {
		if s == "ctrl+c" {
			quit = append(quit, s)
		} else {
			back = append(back, s)
		}
	}
	for i, b := range out {
		switch b.Help() {
		case k.Back.Help():
			out[i].SetHelp(strings.Join(back, "/"), b.Help().Desc)
		case k.Quit.Help():
			if len(quit) == 0 {
				out[i].SetEnabled(false) // every quit key goes back here
			} else {
				out[i].SetHelp(strings.Join(quit, "/"), b.Help().Desc)
			}
		}
	}
	return out
}

// flow lays groups of lines out in columns of at most h rows, starting a
// new column rather than splitting a group, so help fits at 80x24.
func flow(blocks [][]string, w, h int) string {
	if h <= 0 {
		return ""
	}
	var cols [][]string
	var cur []string
	for _, b := range blocks {
		need := len(b)
		if len(cur) > 0 {
			need++ // blank line between groups
		}
		if len(cur) > 0 && len(cur)+need > h {
			cols, cur = append(cols, cur), nil
		}
		if len(cur) > 0 {
			cur = append(cur, "")
		}
		cur = append(cur, b...)
	}
	if len(cur) > 0 {
		cols = append(cols, cur)
	}
	out := make([]string, 0, h)
	for r := 0; r < h; r++ {
		var line string
		for _, c := range cols {
			cell := ""
			if r < len(c) {
				cell = c[r]
			}
			line += padRight(cell, colWidth(c))
		}
		out = append(out, ansi.Truncate(strings.TrimRight(line, " "), w, "…"))
	}
	return strings.Join(out, "\n")
}

func colWidth(lines []string) int {
	n := 0
	for _, l := range lines {
		n = max(n, ansi.StringWidth(l))
	}
	return n + 3
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(n-ansi.StringWidth(s), 1))
}
