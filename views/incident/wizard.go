// Package incident is the disaster-recovery wizard (tab 9): the seed's
// "Disaster Recovery Flowchart" as a guided walk with the incident's
// timeline. The walk itself lives in the backend (backend/incident.Desk),
// shared by every console on the same state directory and every session
// of `opsdeck serve`; this screen renders the desk's board and sends the
// user's answers to it as operations, in order.
package incident

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/views/kit"
)

// Tab registers the incident tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "incident", Title: "Incident", Aliases: []string{"dr", "wizard", "inc"},
		New: func(c kit.Common) kit.Screen { return New(c) }}
}

// opTimeout bounds waiting for one change of the incident (a lock held by
// another console, a slow disk).
const opTimeout = 20 * time.Second

// opDone is how an operation on the desk ended; done is shown when it
// worked.
type opDone struct {
	err  error
	done string
}

// Wizard renders the incident desk's board and turns keys into the desk's
// operations.
type Wizard struct {
	c     kit.Common
	id    kit.ID
	board incident.Board
	snap  backend.Snapshot

	node     string // the node the cursor belongs to
	cursor   int
	starting bool
	msg      string // the last refusal ("tick every item first")

	input  textinput.Model
	prompt string // what the input is for: "var:<name>", "note", a report field, "report"
	report incident.ReportFacts
	keys   wizardKeys

	width, height int
}

// New is the wizard on the console's desk, showing its board as it is.
func New(c kit.Common) *Wizard {
	ti := textinput.New()
	ti.Prompt = "› "
	w := &Wizard{c: c, id: c.NewID(), input: ti, keys: newWizardKeys()}
	if d := c.Deps.Incidents; d != nil {
		w.setBoard(d.Board())
	}
	return w
}

func (w *Wizard) ID() kit.ID                     { return w.id }
func (w *Wizard) Title() string                  { return "Incident" }
func (w *Wizard) SetSize(width, height int)      { w.width, w.height = width, height }
func (w *Wizard) SetSnapshot(s backend.Snapshot) { w.snap = s }
func (w *Wizard) Capturing() bool                { return w.prompt != "" }

// Back cancels a prompt being typed.
func (w *Wizard) Back() bool {
	if w.prompt == "" {
		return false
	}
	w.prompt = ""
	w.input.Blur()
	return true
}

// open reports whether an incident is being worked on and its walk shown.
func (w *Wizard) open() bool {
	inc := w.board.Incident
	return inc != nil && inc.Open() && w.board.Walk != nil
}

// setBoard takes the desk's newest board; the cursor starts again at the
// top when the walk is at another node than before.
func (w *Wizard) setBoard(b incident.Board) {
	w.board = b
	node := ""
	if b.Walk != nil {
		node = b.Walk.Current().ID
	}
	if node != w.node {
		w.node, w.cursor = node, 0
	}
	if b.Problem != "" {
		w.msg = b.Problem
	}
}

func (w *Wizard) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.IncidentMsg:
		w.setBoard(msg.Board)
		return nil
	case opDone:
		w.starting = false
		if msg.err != nil {
			w.msg = strings.TrimPrefix(msg.err.Error(), "drtree: ")
			return nil
		}
		if msg.done != "" {
			return kit.Notify(kit.LevelInfo, msg.done)
		}
		return nil
	case kit.ActionEndedMsg:
		// Cancelled is not failed: the step stays, to be run again or done
		// by hand. (The desk stamps the timeline and moves the walk.)
		if msg.Action.Origin != "" && msg.Action.Origin == w.node && msg.Result == "cancelled" {
			w.msg = "cancelled: run it again (enter), do it by hand (d) or mark it failed (x)"
		}
		return nil
	case tea.KeyPressMsg:
		if w.prompt != "" {
			return w.typed(msg)
		}
		w.msg = ""
		return w.key(msg)
	}
	return nil
}

// do sends one operation to the desk, after every earlier one of this
// console. What op returns besides its error is shown when it worked.
func (w *Wizard) do(op func(d *incident.Desk, a backend.Actor) (string, error)) tea.Cmd {
	d, actor := w.c.Deps.Incidents, w.c.Actor
	if d == nil {
		w.msg = "incidents are not configured (actions.state_dir)"
		return nil
	}
	return w.c.AskSerial(w.id, opTimeout, func(context.Context) tea.Msg {
		done, err := op(d, actor)
		return opDone{err: err, done: done}
	})
}

// change is do for an operation that only reports an error.
func (w *Wizard) change(op func(d *incident.Desk, a backend.Actor) error) tea.Cmd {
	return w.do(func(d *incident.Desk, a backend.Actor) (string, error) { return "", op(d, a) })
}

// start opens a new incident, or joins the one another console opened.
func (w *Wizard) start() tea.Cmd {
	cmd := w.do(func(d *incident.Desk, a backend.Actor) (string, error) {
		joined, err := d.Start(a)
		if err != nil || !joined {
			return "", err
		}
		title := ""
		if inc := d.Board().Incident; inc != nil {
			title = ": " + inc.Title
		}
		return "joined the incident already open" + title, nil
	})
	w.starting = cmd != nil
	return cmd
}
