package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"github.com/manacore/opsdeck/views/theme"
)

// command is one palette entry: k9s-style ":services".
type command struct {
	name, help string
	aliases    []string
}

// palette is the ":" command line with fuzzy completion (sahilm/fuzzy: the
// matcher fzf-like tools use, ranked by match quality).
type palette struct {
	open     bool
	input    textinput.Model
	commands []command
	matches  []string
	sel      int  // the selected match: tab/shift+tab and ↑/↓ move it
	cycling  bool // a tab put a candidate in the line: the next tab moves on
}

const maxSuggestions = 6

func newPalette(cmds []command) palette {
	ti := textinput.New()
	ti.Prompt = ":"
	ti.Placeholder = "view or command (tab completes)"
	return palette{input: ti, commands: cmds}
}

func (p *palette) setWidth(w int) { p.input.SetWidth(max(w-2, 1)) }

func (p *palette) start() tea.Cmd {
	p.open = true
	p.input.SetValue("")
	p.refilter()
	return p.input.Focus()
}

func (p *palette) close() {
	p.open = false
	p.input.Blur()
}

// update handles a key; it returns the command name to run on enter.
func (p *palette) update(msg tea.KeyPressMsg) (tea.Cmd, string) {
	switch msg.String() {
	case "esc":
		p.close()
		return nil, ""
	case "tab", "shift+tab", "down", "up", "ctrl+n", "ctrl+p":
		// tab cycles the candidates into the line, as a shell's
		// completion menu does; the arrows only move the selection.
		if n := len(p.matches); n > 0 {
			key := msg.String()
			completing := key == "tab" || key == "shift+tab"
			if !completing || p.cycling {
				step := 1
				if key == "shift+tab" || key == "up" || key == "ctrl+p" {
					step = n - 1
				}
				p.sel = (p.sel + step) % n
			}
			if completing {
				// The first tab completes the selected one.
				p.input.SetValue(p.matches[p.sel])
				p.input.CursorEnd()
				p.cycling = true
			}
		}
		return nil, ""
	case "enter":
		// What follows the name is its argument (":logs chat-backend").
		name, arg, _ := strings.Cut(strings.TrimSpace(p.input.Value()), " ")
		run := name
		if c, ok := p.lookup(name); ok {
			run = c.name
		} else if len(p.matches) > 0 && name != "" {
			run = p.matches[min(p.sel, len(p.matches)-1)]
		}
		p.close()
		if run == "" {
			return nil, ""
		}
		if arg = strings.TrimSpace(arg); arg != "" {
			run += " " + arg
		}
		return nil, run
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.refilter()
	return cmd, ""
}

func (p *palette) lookup(name string) (command, bool) {
	for _, c := range p.commands {
		if c.name == name {
			return c, true
		}
		for _, a := range c.aliases {
			if a == name {
				return c, true
			}
		}
	}
	return command{}, false
}

// refilter ranks commands against the input; an empty input lists all.
func (p *palette) refilter() {
	q, _, _ := strings.Cut(strings.TrimSpace(p.input.Value()), " ")
	p.matches, p.sel, p.cycling = p.matches[:0], 0, false
	if q == "" {
		for _, c := range p.commands {
			p.matches = append(p.matches, c.name)
		}
		return
	}
	names := make([]string, len(p.commands))
	for i, c := range p.commands {
		names[i] = c.name
	}
	for _, m := range fuzzy.Find(q, names) {
		p.matches = append(p.matches, names[m.Index])
	}
	if c, ok := p.lookup(q); ok && !contains(p.matches, c.name) {
		p.matches = append([]string{c.name}, p.matches...)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (p *palette) view() string { return p.input.View() }

// suggestions are drawn above the status line while the palette is open:
// names and aliases in one aligned column, then what each does; the
// selected one marked (and kept in view as the selection moves).
func (p *palette) suggestions(t *theme.Theme, w int) []string {
	if len(p.matches) == 0 {
		return []string{t.Subtle.Render("  no matching command")}
	}
	first := max(0, p.sel-maxSuggestions+1)
	shown := p.matches[first:min(len(p.matches), first+maxSuggestions)]
	label := func(name string) string {
		c, _ := p.lookup(name)
		if len(c.aliases) > 0 {
			return name + " (" + strings.Join(c.aliases, ", ") + ")"
		}
		return name
	}
	width := 0
	for _, name := range shown {
		width = max(width, ansi.StringWidth(label(name)))
	}
	var out []string
	for i, name := range shown {
		c, _ := p.lookup(name)
		l := label(name)
		mark := "  "
		if first+i == p.sel {
			mark = "› "
		}
		line := mark + l + strings.Repeat(" ", width-ansi.StringWidth(l)) + "  " + t.Subtle.Render(c.help)
		if first+i == p.sel {
			line = t.Selected.Render(ansi.Truncate(ansi.Strip(line), w, "…"))
		}
		out = append(out, ansi.Truncate(line, w, "…"))
	}
	if rest := len(p.matches) - first - len(shown); rest > 0 {
		out = append(out, t.Subtle.Render(fmt.Sprintf("  … %d more (tab, ↓)", rest)))
	}
	return out
}
