package views

import (
	"slices"
	"strings"
	"time"

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
