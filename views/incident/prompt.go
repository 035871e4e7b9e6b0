package incident

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/incident"
)

// The wizard's one-line prompts: variables, notes and the report fields.

// ask opens the one-line input for a prompt.
func (w *Wizard) ask(prompt, value string) tea.Cmd {
	w.prompt = prompt
	w.input.SetValue(value)
	w.input.CursorEnd()
	return w.input.Focus()
}

// reportPrompts are asked in order before the report is written.
func reportPrompts() []string { return []string{"impact", "users", "cause", "items", "report"} }

func (w *Wizard) promptLabel() string {
	if name, ok := strings.CutPrefix(w.prompt, "var:"); ok {
		return name + " (tab completes)"
	}
	switch w.prompt {
	case "note":
		return "note for the timeline"
	case "impact":
		return "impact (e.g. API requests failing, 100% error rate)"
	case "users":
		return "affected users (e.g. ~500 active users)"
	case "cause":
		return "root cause"
	case "items":
		return "action items, separated by ;"
	}
	return "write the report to"
}

// typed handles a key while the input is open.
func (w *Wizard) typed(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		w.Back()
		return nil
	case "tab":
		if name, ok := strings.CutPrefix(w.prompt, "var:"); ok {
			w.complete(name)
		}
		return nil
	case "enter":
		return w.submit(strings.TrimSpace(w.input.Value()))
	}
	var cmd tea.Cmd
	w.input, cmd = w.input.Update(msg)
	return cmd
}

// complete fills the input with the first service or database name that
// starts with what is typed.
func (w *Wizard) complete(name string) {
	var names []string
	if name == "database" {
		for _, d := range w.snap.Databases {
			names = append(names, d.Name)
		}
	} else {
		for _, s := range w.snap.Services {
			names = append(names, s.Name)
		}
	}
	typed := w.input.Value()
	for _, n := range names {
		if strings.HasPrefix(n, typed) {
			w.input.SetValue(n)
			w.input.CursorEnd()
			return
		}
	}
}

func (w *Wizard) submit(v string) tea.Cmd {
	prompt := w.prompt
	w.Back()
	if name, ok := strings.CutPrefix(prompt, "var:"); ok {
		return w.change(func(d *incident.Desk, a backend.Actor) error { return d.SetVar(a, name, v) })
	}
	switch prompt {
	case "note":
		if v == "" {
			return nil
		}
		return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Note(a, v) })
	case "impact":
		w.report.Impact = v
	case "users":
		w.report.AffectedUsers = v
	case "cause":
		w.report.RootCause = v
	case "items":
		w.report.ActionItems = splitItems(v)
	case "report":
		return w.writeReport(v)
	}
	order := reportPrompts()
	next := order[slices.Index(order, prompt)+1]
	def := ""
	if next == "report" {
		def = "incident-" + w.board.Incident.ID + ".md"
	}
	return w.ask(next, def)
}

func splitItems(s string) []string {
	var items []string
	for _, it := range strings.Split(s, ";") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	return items
}

// writeReport stores the typed facts and writes the markdown report.
func (w *Wizard) writeReport(path string) tea.Cmd {
	if path == "" {
		return nil
	}
	facts := w.report
	return w.do(func(d *incident.Desk, a backend.Actor) (string, error) {
		abs, err := d.WriteReport(a, facts, path)
		if err != nil {
			return "", err
		}
		return "report written to " + abs, nil
	})
}
