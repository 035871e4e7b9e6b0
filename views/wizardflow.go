package views

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
)

// move applies the result of a walk move: on success the step goes on the
// timeline and the walk to the store; on refusal the reason is shown.
func (w *Wizard) move(err error, what string) tea.Cmd {
	if err != nil {
		w.msg = strings.TrimPrefix(err.Error(), "drtree: ")
		return nil
	}
	w.cursor = 0
	var ev *incident.Event
	if what == "undo" {
		ev = &incident.Event{At: w.now(), Actor: w.actor, Kind: incident.EventNote, Text: "Undid the last step, back at: " + w.walk.Title()}
	} else if path := w.walk.Path(); len(path) > 0 {
		s := path[len(path)-1]
		kind := incident.EventAnswer
		switch s.Kind {
		case drtree.KindManual, drtree.KindWait:
			kind = incident.EventStep
		case drtree.KindAction:
			kind = incident.EventStep // the action itself is stamped by its outcome
		}
		actor := s.By
		ev = &incident.Event{At: s.At.UTC(), Actor: actor, Kind: kind, Text: w.walk.Describe(s)}
	}
	cmds := []tea.Cmd{w.persistWalk("")}
	if ev != nil {
		cmds = append([]tea.Cmd{w.addEvent(*ev)}, cmds...)
	}
	if w.walk.Finished() {
		cmds = append(cmds, w.resolve())
	}
	return tea.Sequence(cmds...)
}

// persist queues one change for the store, and applies it to the local
// copy so the screen shows it at once. Changes wait in the outbox until
// the root takes them (TakeChanges) right after this Update: commands run
// concurrently and could reorder them, the outbox cannot.
func (w *Wizard) persist(local func(*incident.Incident), apply func(IncidentStore, string) error, done string) tea.Cmd {
	if w.inc == nil {
		return nil
	}
	local(w.inc)
	id := w.inc.ID
	w.outbox = append(w.outbox, IncidentChange{Apply: func(s IncidentStore) error { return apply(s, id) }, Done: done})
	return nil
}

// TakeChanges hands the root the changes made since the last call, in
// order.
func (w *Wizard) TakeChanges() []IncidentChange {
	out := w.outbox
	w.outbox = nil
	return out
}

func (w *Wizard) addEvent(e incident.Event) tea.Cmd {
	return w.persist(func(inc *incident.Incident) { inc.Timeline = append(inc.Timeline, e) },
		func(s IncidentStore, id string) error { return s.AddEvent(id, e) }, "")
}

// persistWalk stores the walk, the branch with its targets, and the title
// and affected services the walk's variables imply.
func (w *Wizard) persistWalk(done string) tea.Cmd {
	if w.walk == nil {
		return nil
	}
	st, b := w.walk.State(), w.walk.Branch()
	vars := w.walk.Vars()
	title, services := w.inc.Title, w.inc.Services
	if b != nil {
		// A database incident is named after the database, whatever
		// services it stopped on the way.
		subject := vars["database"]
		if subject == "" {
			subject = vars["service"]
		}
		title = b.Name
		if subject != "" {
			title += " - " + subject
		}
	}
	if s := vars["service"]; s != "" && !slices.Contains(services, s) {
		services = append(slices.Clone(services), s)
	}
	return w.persist(func(inc *incident.Incident) {
		inc.Walk, inc.Title, inc.Services = st, title, services
		if b != nil {
			inc.SetBranch(b)
		}
	}, func(s IncidentStore, id string) error {
		if err := s.SetWalk(id, st, b); err != nil {
			return err
		}
		return s.Update(id, func(inc *incident.Incident) error {
			inc.Title, inc.Services = title, services
			return nil
		})
	}, done)
}

// resolve closes the incident when the walk reaches a resolved node, with
// the escalations that fell due and the RPO at stake.
func (w *Wizard) resolve() tea.Cmd {
	at := w.now()
	var esc []string
	for _, e := range w.walk.Escalations() {
		esc = append(esc, e.String()+" ("+e.When+")")
	}
	rpo := w.rpoAtStake()
	actor := w.actor
	return w.persist(func(inc *incident.Incident) {
		inc.Status, inc.Resolved, inc.Escalations = incident.StatusResolved, at, esc
		if rpo > 0 {
			inc.RPOAtStake = rpo
		}
		inc.Timeline = append(inc.Timeline, incident.Event{At: at, Actor: actor, Kind: incident.EventStatus,
			Text: "Resolved after " + incident.Human(inc.Elapsed(at))})
	}, func(s IncidentStore, id string) error {
		if err := s.Update(id, func(inc *incident.Incident) error {
			inc.Escalations = esc
			if rpo > 0 {
				inc.RPOAtStake = rpo
			}
			return nil
		}); err != nil {
			return err
		}
		return s.Resolve(id, at, actor)
	}, "incident resolved: press w to write the report")
}

// rpoAtStake is the age of the newest backup of the incident's database,
// 0 when unknown.
func (w *Wizard) rpoAtStake() time.Duration {
	b, ok := w.backups[w.walk.Vars()["database"]]
	if !ok || b.Err != nil || b.Newest.IsZero() {
		return 0
	}
	return w.now().Sub(b.Newest)
}

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
