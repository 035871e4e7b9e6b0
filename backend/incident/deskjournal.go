package incident

import (
	"errors"
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/drtree"
)

// The desk is the runner's Journal: every action the runner executes, from
// any screen of any session, lands on the open incident's timeline, and
// the action of the node the walk is at moves the walk on, even when the
// session that started it has gone.
var _ action.Journal = (*Desk)(nil)

// ActionStarted marks the walk's node as awaiting its action.
func (d *Desk) ActionStarted(a backend.Action) {
	d.sync() // the walk may have moved in another process
	d.mu.Lock()
	defer d.mu.Unlock()
	if a.Origin == "" || d.inc == nil || !d.inc.Open() || d.inc.Walk.Node != a.Origin {
		return
	}
	d.awaiting = a.Origin
	d.publishLocked()
}

// ActionEnded stamps the outcome on the open incident's timeline,
// "<kind> <target>: <result>" plus " (<error>)"; when the action was the
// current node's, the walk moves on (ok, or failed and timed out alike:
// failed), except when it was cancelled: the step stays, to be run again
// or done by hand.
func (d *Desk) ActionEnded(o action.Outcome) {
	d.sync()
	a, person, at, bk := o.Action, o.Action.Actor.String(), d.now(), d.backupNow()
	text := fmt.Sprintf("%s %s: %s", a.Kind, a.Target, o.Result)
	var ended *backend.EndedError
	switch {
	case errors.As(o.Err, &ended) && ended.Detail != "":
		text += " (" + ended.Detail + ")" // the result is said already
	case o.Err != nil && ended == nil:
		text += " (" + o.Err.Error() + ")"
	}
	var err error
	if id := d.OpenID(); id != "" {
		err = d.change(id, func(inc *Incident) error {
			if !inc.Open() {
				return ErrNoIncident // resolved meanwhile: nothing to stamp
			}
			inc.Timeline = append(inc.Timeline, Event{At: at, Actor: person, Kind: EventAction, Text: text})
			if w, err := d.walkOf(inc); err == nil && a.Origin != "" && w.Current().ID == a.Origin {
				d.actionMoves(inc, w, o, person, bk, at)
			}
			return nil
		})
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.noteSave(err, "the outcome of "+string(a.Kind)+" "+a.Target)
	if a.Origin != "" && d.awaiting == a.Origin {
		d.awaiting = ""
		d.publishLocked()
	}
}

// actionMoves moves the walk on by how its node's action ended.
func (d *Desk) actionMoves(inc *Incident, w *drtree.Walker, o action.Outcome, person string, bk *BackupAge, at time.Time) {
	var err error
	switch o.Result {
	case audit.ResultOK:
		err = w.ActionDone(true, "", person, at)
	case audit.ResultCancelled:
		return
	default:
		detail := o.Result
		if o.Err != nil {
			detail = o.Err.Error()
		}
		err = w.ActionDone(false, detail, person, at)
	}
	if err == nil {
		d.recordStep(inc, w, person, bk, at)
	}
}

// InterruptedText is how an action whose opsdeck was killed before it
// ended is told, on the timeline and in the status bar: "restart
// chat-backend by root at 02:10 was interrupted".
func InterruptedText(p audit.Pair) string {
	b := p.Before
	who := b.User
	if who == "" {
		who = "someone"
	}
	return fmt.Sprintf("%s %s by %s at %s was interrupted", b.Kind, b.Target, who, b.Time.UTC().Format("15:04"))
}

// ActionInterrupted stamps on the open incident's timeline an action
// whose opsdeck was killed before it ended (audit.Log.CloseInterrupted
// found it at start): what it did is unknown, the engineer must look. The
// walk stays where it is, to run the step again or do it by hand.
func (d *Desk) ActionInterrupted(p audit.Pair) error {
	d.sync()
	at := d.now()
	err := d.change(d.OpenID(), func(inc *Incident) error {
		if !inc.Open() {
			return ErrNoIncident
		}
		inc.Timeline = append(inc.Timeline, Event{At: at, Actor: systemActor().String(), Kind: EventAction, Text: InterruptedText(p)})
		return nil
	})
	if errors.Is(err, ErrNoIncident) {
		return nil // no incident open: the status bar says it
	}
	return err
}
