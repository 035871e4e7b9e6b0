package incident

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// How a change reaches the store: one Store.Update per operation, so the
// timeline entry, the walk, the title and a resolution land in one write
// under one lock, and no other process ever sees half of a move.

// can refuses an actor who may not act.
func can(actor backend.Actor) error {
	if actor.CanAct() {
		return nil
	}
	role := string(actor.Role)
	if role == "" {
		role = string(backend.RoleViewer)
	}
	return fmt.Errorf("%w (user %s is a %s)", ErrReadOnly, actor.User, role)
}

// change applies fn to the incident id as it is on disk now, then lets the
// board catch up, even when fn refused: the store has read the incident
// afresh, and the screen should show why its answer was refused.
func (d *Desk) change(id string, fn func(*Incident) error) error {
	if id == "" {
		return ErrNoIncident
	}
	err := d.store.Update(id, fn)
	d.refresh()
	return err
}

// update changes the open incident, refusing once it was resolved. It
// looks for changes first (a stat when there are none): the incident may
// have been opened by another process since the last poll.
func (d *Desk) update(actor backend.Actor, fn func(*Incident) error) error {
	if err := can(actor); err != nil {
		return err
	}
	d.sync()
	return d.change(d.OpenID(), func(inc *Incident) error {
		if !inc.Open() {
			return fmt.Errorf("%w: %q was resolved meanwhile", ErrNoIncident, inc.Title)
		}
		return fn(inc)
	})
}

// walk changes the open incident's walk; fn gets the walk resumed from the
// incident as it is on disk now.
func (d *Desk) walk(actor backend.Actor, fn func(*Incident, *drtree.Walker) error) error {
	return d.update(actor, func(inc *Incident) error {
		w, err := d.walkOf(inc)
		if err != nil {
			return err
		}
		return fn(inc, w)
	})
}

// step makes one move of the walk at node, the node the engineer
// answered; refused when the walk is elsewhere. The move goes on the
// timeline under the actor's name, and a move onto a resolved node
// resolves the incident, all in the same save.
func (d *Desk) step(actor backend.Actor, node string, move func(w *drtree.Walker, by string, at time.Time) error) error {
	bk := d.backupNow()
	return d.walk(actor, func(inc *Incident, w *drtree.Walker) error {
		if err := atNode(inc, w, node); err != nil {
			return err
		}
		at := d.now()
		if err := move(w, actor.String(), at); err != nil {
			return err
		}
		d.recordStep(inc, w, actor.String(), bk, at)
		return nil
	})
}

// recordStep puts the walk's last step on the timeline, under the name of
// the person who took it (a live answer's Step.By says "live"), stores the
// walk and resolves the incident when the walk is finished.
func (d *Desk) recordStep(inc *Incident, w *drtree.Walker, person string, bk *BackupAge, at time.Time) {
	path := w.Path()
	s := path[len(path)-1]
	kind := EventAnswer
	switch s.Kind {
	case drtree.KindManual, drtree.KindWait, drtree.KindAction:
		kind = EventStep // an action itself is stamped by its outcome
	}
	inc.Timeline = append(inc.Timeline, Event{At: s.At.UTC(), Actor: person, Kind: kind, Text: w.Describe(s)})
	storeWalk(inc, w)
	if w.Finished() {
		resolveWalk(inc, w, person, bk, at)
	}
}

// storeWalk keeps the walk on the incident with the branch it is in, its
// targets, and the title and affected services its variables imply.
func storeWalk(inc *Incident, w *drtree.Walker) {
	b, vars := w.Branch(), w.Vars()
	inc.Walk = w.State()
	if b != nil || inc.Branch == "" {
		inc.SetBranch(b)
	}
	if b != nil {
		// A database incident is named after the database, whatever
		// services it stopped on the way.
		subject := vars["database"]
		if subject == "" {
			subject = vars["service"]
		}
		inc.Title = b.Name
		if subject != "" {
			inc.Title += " - " + subject
		}
	}
	if s := vars["service"]; s != "" && !slices.Contains(inc.Services, s) {
		inc.Services = append(inc.Services, s)
	}
}

// resolveWalk closes the incident whose walk reached its end, with the
// escalations that fell due and the data at stake: resolved, or handed
// over when the end names who takes it over.
func resolveWalk(inc *Incident, w *drtree.Walker, person string, bk *BackupAge, at time.Time) {
	inc.Escalations = nil
	for _, e := range w.Escalations() {
		inc.Escalations = append(inc.Escalations, e.String()+" ("+e.When+")")
	}
	if rpo := rpoAtStake(bk, w.Vars()["database"], at); rpo > 0 {
		inc.RPOAtStake = rpo
	}
	if c := w.HandedOver(); c != nil {
		_ = inc.handOver(at, person, c.Who) // open: the caller checked
		return
	}
	_ = inc.resolve(at, person) // open: the caller checked
}

// rpoAtStake is the age at `at` of the newest backup of db, 0 unknown.
func rpoAtStake(bk *BackupAge, db string, at time.Time) time.Duration {
	if bk == nil || db == "" || bk.Database != db || bk.Err != nil || bk.Newest.IsZero() {
		return 0
	}
	return at.Sub(bk.Newest)
}

// backupNow is a copy of the last backup answer, nil none.
func (d *Desk) backupNow() *BackupAge {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.backup == nil {
		return nil
	}
	b := *d.backup
	return &b
}

// atNode refuses a move for a node the walk is no longer at, saying who
// moved it on and where it is now.
func atNode(inc *Incident, w *drtree.Walker, node string) error {
	if w.Current().ID == node {
		return nil
	}
	now := fmt.Sprintf("now at %q", w.Title())
	path := w.Path()
	for i := len(path) - 1; i >= 0; i-- {
		if s := path[i]; s.Node == node {
			return fmt.Errorf("%w: %s %s %q; %s", ErrMoved, mover(inc, w, s), verb(s.Kind), w.Render(w.Tree().Node(node).Title), now)
		}
	}
	return fmt.Errorf("%w: %s", ErrMoved, now) // undone elsewhere, or never there
}

// mover is who took step s. A live answer's step says "live"; its
// timeline entry names the person.
func mover(inc *Incident, w *drtree.Walker, s drtree.Step) string {
	if s.By != drtree.ByLive {
		return s.By
	}
	text := w.Describe(s)
	for i := len(inc.Timeline) - 1; i >= 0; i-- {
		if e := inc.Timeline[i]; e.Kind == EventAnswer && e.Text == text && e.Actor != "" {
			return e.Actor
		}
	}
	return "someone"
}

func verb(k drtree.Kind) string {
	switch k {
	case drtree.KindChoice, drtree.KindCheck:
		return "answered"
	}
	return "finished"
}

// trimmed drops blank entries and the blanks around the others.
func trimmed(items []string) []string {
	var out []string
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}
