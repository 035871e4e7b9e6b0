package views

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend/incident"
)

// The wizard's one-line prompts: variables, notes, the report fields,
// and the keys of a resolved incident.

// ask opens the one-line input for a prompt.
func (w *Wizard) ask(prompt, value string) tea.Cmd {
	w.prompt = prompt
	w.input.SetValue(value)
	w.input.CursorEnd()
	return w.input.Focus()
}

// reportPrompts are asked in order before the report is written.
var reportPrompts = []string{"impact", "users", "cause", "items", "report"}

var promptLabels = map[string]string{
	"note": "note for the timeline", "impact": "impact (e.g. API requests failing, 100% error rate)",
	"users": "affected users (e.g. ~500 active users)", "cause": "root cause",
	"items": "action items, separated by ;", "report": "write the report to",
}

func (w *Wizard) promptLabel() string {
	if name, ok := strings.CutPrefix(w.prompt, "var:"); ok {
		return name + " (tab completes)"
	}
	return promptLabels[w.prompt]
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
		if err := w.walk.SetVar(name, v); err != nil {
			w.msg = strings.TrimPrefix(err.Error(), "drtree: ")
			return nil
		}
		return tea.Batch(w.addEvent(incident.Event{At: w.now(), Actor: w.actor, Kind: incident.EventNote,
			Text: fmt.Sprintf("%s: %s", name, v)}), w.persistWalk(""), w.askBackup())
	}
	switch prompt {
	case "note":
		if v == "" {
			return nil
		}
		return w.addEvent(incident.Event{At: w.now(), Actor: w.actor, Kind: incident.EventNote, Text: v})
	case "impact":
		w.report.impact = v
	case "users":
		w.report.users = v
	case "cause":
		w.report.cause = v
	case "items":
		w.report.items = v
	case "report":
		return w.writeReport(v)
	}
	i := slices.Index(reportPrompts, prompt)
	next := reportPrompts[i+1]
	def := ""
	if next == "report" {
		def = "incident-" + w.inc.ID + ".md"
	}
	return w.ask(next, def)
}

// writeReport stores the typed fields, then writes the markdown report.
func (w *Wizard) writeReport(path string) tea.Cmd {
	if path == "" {
		return nil
	}
	r := w.report
	var items []string
	for _, it := range strings.Split(r.items, ";") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	now := w.now()
	return w.persist(func(inc *incident.Incident) {
		inc.Impact, inc.AffectedUsers, inc.RootCause, inc.ActionItems = r.impact, r.users, r.cause, items
	}, func(s IncidentStore, id string) error {
		if err := s.Update(id, func(inc *incident.Incident) error {
			inc.Impact, inc.AffectedUsers, inc.RootCause, inc.ActionItems = r.impact, r.users, r.cause, items
			return nil
		}); err != nil {
			return err
		}
		inc, err := s.Get(id)
		if err != nil {
			return err
		}
		return incident.WriteReport(path, inc, now, false)
	}, "report written to "+path)
}

// resolvedKey handles the keys of a resolved incident: the report and the
// post-incident checklist.
func (w *Wizard) resolvedKey(msg tea.KeyPressMsg) tea.Cmd {
	k := w.keys
	switch {
	case key.Matches(msg, k.Report):
		r := w.inc
		w.report = reportDraft{impact: r.Impact, users: r.AffectedUsers, cause: r.RootCause, items: strings.Join(r.ActionItems, "; ")}
		return w.ask("impact", w.report.impact)
	case key.Matches(msg, w.c.Keys.Up):
		w.cursor = max(w.cursor-1, 0)
	case key.Matches(msg, w.c.Keys.Down):
		w.cursor = min(w.cursor+1, len(w.inc.PostIncident)-1)
	case key.Matches(msg, k.Tick):
		i := w.cursor
		done := !w.inc.PostIncident[i].Done
		return w.persist(func(inc *incident.Incident) { inc.PostIncident[i].Done = done },
			func(s IncidentStore, id string) error { return s.TickPostIncident(id, i, done) }, "")
	}
	return nil
}
