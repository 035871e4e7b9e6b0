package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// ErrNotDue refuses an escalation the walk has not reached.
var ErrNotDue = errors.New("no escalation is due")

// EscalationPending is the branch escalation the walk reached (at the node
// that says to call, or past it) and no one has said they made yet; nil
// when there is none. The wizard keeps it in front until it is made.
func EscalationPending(inc *Incident, w *drtree.Walker) *drtree.Escalation {
	b := w.Branch()
	if b == nil || b.Escalation == nil || inc.CallOf(b.ID) != nil {
		return nil
	}
	if w.EscalationDue() || slices.Contains(w.Escalations(), b.Escalation) {
		return b.Escalation
	}
	return nil
}

// Escalated records that actor made the escalation due at node: whom they
// called and how (advice, the words the wizard showed them, e.g. "call
// Database Admin, on call 24/7: +49 …"), stamped on the timeline. Once
// per branch; a second time is refused, naming who made the first.
func (d *Desk) Escalated(actor backend.Actor, node string, advice []string) error {
	return d.walk(actor, func(inc *Incident, w *drtree.Walker) error {
		if err := atNode(inc, w, node); err != nil {
			return err
		}
		b := w.Branch()
		if b == nil || b.Escalation == nil {
			return fmt.Errorf("%w: this branch names no one to call", ErrNotDue)
		}
		if c := inc.CallOf(b.ID); c != nil {
			return fmt.Errorf("%w: %s escalated at %s already", ErrNotDue, c.By, c.At.UTC().Format("15:04"))
		}
		if EscalationPending(inc, w) == nil {
			return fmt.Errorf("%w yet: %s calls %s when %s", ErrNotDue, b.Name, b.Escalation, b.Escalation.When)
		}
		at := d.now()
		inc.Called = append(inc.Called, Call{Branch: b.ID, At: at, By: actor.String()})
		text := "Escalated (" + b.Escalation.When + "): " + b.Escalation.String()
		if len(advice) > 0 {
			text += " — " + strings.Join(advice, "; ")
		}
		inc.Timeline = append(inc.Timeline, Event{At: at, Actor: actor.String(), Kind: EventEscalation, Text: text})
		return nil
	})
}
