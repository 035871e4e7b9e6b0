package tui

import (
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
	case "tab":
		if len(p.matches) > 0 {
			p.input.SetValue(p.matches[0])
			p.input.CursorEnd()
			p.refilter()
		}
		return nil, ""
	case "enter":
		// What follows the name is its argument (":logs chat-backend").
		name, arg, _ := strings.Cut(strings.TrimSpace(p.input.Value()), " ")
		run := name
		if c, ok := p.lookup(name); ok {
			run = c.name
		} else if len(p.matches) > 0 && name != "" {
			run = p.matches[0]
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
	p.matches = p.matches[:0]
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

// suggestions are drawn above the status line while the palette is open.
func (p *palette) suggestions(t *theme.Theme, w int) []string {
	var out []string
	for i, name := range p.matches {
		if i == maxSuggestions {
			break
		}
		c, _ := p.lookup(name)
		line := "  " + name
		if len(c.aliases) > 0 {
			line += " (" + strings.Join(c.aliases, ", ") + ")"
		}
		line = line + "  " + t.Subtle.Render(c.help)
		if i == 0 {
			line = t.Selected.Render(ansi.Truncate(ansi.Strip(line), w, "…"))
		}
		out = append(out, ansi.Truncate(line, w, "…"))
	}
	if len(out) == 0 {
		out = append(out, t.Subtle.Render("  no matching command"))
	}
	return out
}
