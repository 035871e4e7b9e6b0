package incident

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// The operations a screen sends. Each refuses an actor who cannot act
// (ErrReadOnly) and changes nothing then; those on the walk name the node
// the engineer answered and are refused with ErrMoved when the walk is
// elsewhere.

// errNoLive is AnswerLive's refusal when the probe cannot tell.
var errNoLive = errors.New("no live answer: the data is missing or stale; answer y or n")

// Start opens a new incident at Clock(), its walk at the root. When one
// is open already (maybe by another process) the actor joins it: joined
// is true and the board shows it.
func (d *Desk) Start(actor backend.Actor) (joined bool, err error) {
	if err := can(actor); err != nil {
		return false, err
	}
	now := d.now()
	_, err = d.store.Start(Incident{Title: "Incident under investigation", Started: now, Walk: d.tree.Start(now).State()}, actor.String())
	d.refresh()
	if errors.Is(err, ErrOpenIncident) {
		return true, nil
	}
	return false, err
}

// Choose picks option (0-based) of the choice node.
func (d *Desk) Choose(actor backend.Actor, node string, option int) error {
	return d.step(actor, node, func(w *drtree.Walker, by string, at time.Time) error { return w.Choose(option, by, at) })
}

// Answer answers the check node yes or no.
func (d *Desk) Answer(actor backend.Actor, node string, yes bool) error {
	return d.step(actor, node, func(w *drtree.Walker, by string, at time.Time) error { return w.Answer(yes, by, "", at) })
}

// AnswerLive answers the check node from live data (LiveProbe of s). The
// walk records the answer as the probe's (drtree.ByLive, with its
// evidence); the timeline names the actor who took it.
func (d *Desk) AnswerLive(actor backend.Actor, node string, s backend.Snapshot) error {
	probe := LiveProbe(s)
	return d.step(actor, node, func(w *drtree.Walker, _ string, at time.Time) error {
		answered, err := w.AutoAnswer(probe, at)
		if err == nil && !answered {
			return errNoLive
		}
		return err
	})
}

// SetVar sets a variable of the walk (service, database), on the
// timeline as the answer "name: value" (a note is the engineer's own text).
func (d *Desk) SetVar(actor backend.Actor, name, value string) error {
	return d.walk(actor, func(inc *Incident, w *drtree.Walker) error {
		if err := w.SetVar(name, value); err != nil {
			return err
		}
		inc.Timeline = append(inc.Timeline, Event{At: d.now(), Actor: actor.String(), Kind: EventAnswer, Text: fmt.Sprintf("%s: %s", name, value)})
		storeWalk(inc, w)
		return nil
	})
}

// Note puts free text on the timeline; blank text is no change. A note
// does not need the walk, so it works while the walk cannot resume.
func (d *Desk) Note(actor backend.Actor, text string) error {
	if err := can(actor); err != nil {
		return err
	}
	if text = strings.TrimSpace(text); text == "" {
		return nil
	}
	return d.update(actor, func(inc *Incident) error {
		inc.Timeline = append(inc.Timeline, Event{At: d.now(), Actor: actor.String(), Kind: EventNote, Text: text})
		return nil
	})
}

// Tick toggles checklist item (0-based) of the manual node.
func (d *Desk) Tick(actor backend.Actor, node string, item int) error {
	return d.walk(actor, func(inc *Incident, w *drtree.Walker) error {
		if err := atNode(inc, w, node); err != nil {
			return err
		}
		if err := w.Tick(item, !w.Ticked(item)); err != nil {
			return err
		}
		storeWalk(inc, w)
		return nil
	})
}

// Complete finishes the manual node; every item must be ticked.
func (d *Desk) Complete(actor backend.Actor, node string) error {
	return d.step(actor, node, func(w *drtree.Walker, by string, at time.Time) error { return w.Complete(by, at) })
}

// SkipWait ends the wait node now ("skipped after …" when early).
func (d *Desk) SkipWait(actor backend.Actor, node string) error {
	return d.step(actor, node, func(w *drtree.Walker, by string, at time.Time) error { return w.WaitDone(by, at) })
}

// ActionByHand records the action node as done by hand (ok) or failed
// without running it, and moves on.
func (d *Desk) ActionByHand(actor backend.Actor, node string, ok bool) error {
	detail := "marked failed"
	if ok {
		detail = "done by hand"
	}
	return d.step(actor, node, func(w *drtree.Walker, by string, at time.Time) error { return w.ActionDone(ok, detail, by, at) })
}

// Undo takes the walk back one step, with a note saying where it is.
func (d *Desk) Undo(actor backend.Actor) error {
	return d.walk(actor, func(inc *Incident, w *drtree.Walker) error {
		if err := w.Back(); err != nil {
			return err
		}
		inc.Timeline = append(inc.Timeline, Event{At: d.now(), Actor: actor.String(), Kind: EventStep, Text: "Undid the last step, back at: " + w.Title()})
		storeWalk(inc, w)
		return nil
	})
}

// TickPostIncident toggles post-incident item (0-based) of the incident
// shown (the one just resolved).
func (d *Desk) TickPostIncident(actor backend.Actor, item int) error {
	if err := can(actor); err != nil {
		return err
	}
	return d.change(d.shownID(), func(inc *Incident) error {
		if item < 0 || item >= len(inc.PostIncident) {
			return fmt.Errorf("incident %s has no post-incident item %d", inc.ID, item+1)
		}
		inc.PostIncident[item].Done = !inc.PostIncident[item].Done
		return nil
	})
}

// ReportFacts are what the engineer tells for the report.
type ReportFacts struct {
	Impact        string
	AffectedUsers string
	RootCause     string
	ActionItems   []string
}

// WriteReport stores the facts on the incident shown, then writes its
// markdown report to path (0600). An existing file is never overwritten:
// the facts are kept and the error matches ErrExists.
func (d *Desk) WriteReport(actor backend.Actor, f ReportFacts, path string) (string, error) {
	if err := can(actor); err != nil {
		return "", err
	}
	if strings.TrimSpace(path) == "" {
		return "", errors.New("incident: the report needs a file name")
	}
	path, err := d.reportPath(path)
	if err != nil {
		return "", err
	}
	var inc *Incident
	err = d.change(d.shownID(), func(i *Incident) error {
		i.Impact, i.AffectedUsers, i.RootCause, i.ActionItems = f.Impact, f.AffectedUsers, f.RootCause, trimmed(f.ActionItems)
		inc = clone(i)
		return nil
	})
	if err != nil {
		return "", err
	}
	return path, WriteReport(path, inc, d.now(), false)
}

// reportPath is where a report named path is written, absolute: a bare
// file name goes under the desk's reports directory (made if need be), a
// path with a directory is taken as given, from the working directory.
func (d *Desk) reportPath(path string) (string, error) {
	path = filepath.Clean(path)
	if d.reports != "" && filepath.Base(path) == path {
		if err := os.MkdirAll(d.reports, 0o700); err != nil {
			return "", fmt.Errorf("incident: reports directory: %w", err)
		}
		path = filepath.Join(d.reports, path)
	}
	return filepath.Abs(path)
}

// shownID is the incident on the board, open or just resolved.
func (d *Desk) shownID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.shown
}
