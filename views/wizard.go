package views

import (
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
)

// backupRecheck is how often the RPO at stake (age of the newest backup,
// read over SSH) is asked again while the wizard shows it.
const backupRecheck = time.Minute

// Wizard is the disaster-recovery decision tree as a guided walk with an
// incident timeline: the seed's "Disaster Recovery Flowchart". It owns the
// walk and a copy of the incident; every change is also sent to the store
// as a IncidentChange, so a restart resumes where it stood.
type Wizard struct {
	c     Common
	tree  *drtree.Tree
	actor string

	inc      *incident.Incident
	walk     *drtree.Walker
	snap     backend.Snapshot
	starting bool
	awaiting string // node whose action is running
	cursor   int
	msg      string // the last refusal ("tick every item first")

	input  textinput.Model
	prompt string // what the input is for: "var:<name>", "note", a report field, "report"
	report reportDraft

	outbox []IncidentChange // changes for the store, oldest first

	backups map[string]BackupAgeMsg
	asked   map[string]time.Time
	keys    wizardKeys

	width, height int
}

// reportDraft is what the engineer types in for the incident report.
type reportDraft struct{ impact, users, cause, items string }

// NewWizard resumes the open incident of the store, if any.
func NewWizard(c Common, tree *drtree.Tree, open *incident.Incident, actor string) *Wizard {
	ti := textinput.New()
	ti.Prompt = "› "
	w := &Wizard{c: c, tree: tree, actor: actor, input: ti, keys: newWizardKeys(),
		backups: map[string]BackupAgeMsg{}, asked: map[string]time.Time{}}
	if open != nil && tree != nil {
		if walk, err := tree.Resume(open.Walk); err == nil {
			w.inc, w.walk = open, walk
		} else {
			w.inc, w.msg = open, err.Error()
		}
	}
	return w
}

func (w *Wizard) Name() string                   { return "incident" }
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

// Incident is the wizard's copy of the incident (nil when none).
func (w *Wizard) Incident() *incident.Incident { return w.inc }

func (w *Wizard) open() bool { return w.inc != nil && w.walk != nil && w.inc.Open() }

func (w *Wizard) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case IncidentStartedMsg:
		w.starting = false
		if msg.Err != nil {
			w.msg = msg.Err.Error()
			return nil
		}
		if msg.Joined {
			walk, err := w.tree.Resume(msg.Incident.Walk)
			if err != nil {
				w.msg = err.Error()
				return nil
			}
			w.inc, w.walk, w.cursor = msg.Incident, walk, 0
			w.msg = "joined the incident already open: " + msg.Incident.Title
			return nil
		}
		w.inc, w.walk, w.cursor = msg.Incident, w.tree.Start(msg.Incident.Started), 0
		return w.persistWalk("")
	case ActionOutcomeMsg:
		return w.outcome(msg)
	case BackupAgeMsg:
		w.backups[msg.Database] = msg
		return nil
	case TickMsg:
		return tea.Batch(w.autoWait(), w.askBackup())
	case tea.KeyPressMsg:
		if w.prompt != "" {
			return w.typed(msg)
		}
		w.msg = ""
		return w.key(msg)
	}
	return nil
}

func (w *Wizard) now() time.Time { return w.c.Now().UTC() }

// start asks the root to open a new incident.
func (w *Wizard) start() tea.Cmd {
	if w.tree == nil {
		w.msg = "incidents are not configured (actions.state_dir)"
		return nil
	}
	w.starting = true
	inc := incident.Incident{Title: "Incident under investigation", Started: w.now()}
	return func() tea.Msg { return IncidentStartMsg{Incident: inc} }
}

func (w *Wizard) key(msg tea.KeyPressMsg) tea.Cmd {
	k := w.keys
	if !w.open() {
		switch {
		case key.Matches(msg, k.New) && !w.starting && (w.inc == nil || !w.inc.Open()):
			return w.start()
		case w.inc != nil && !w.inc.Open():
			return w.resolvedKey(msg)
		}
		return nil
	}
	n := w.walk.Current()
	switch {
	case key.Matches(msg, w.c.Keys.Up):
		w.cursor = max(w.cursor-1, 0)
		return nil
	case key.Matches(msg, w.c.Keys.Down):
		w.cursor = min(w.cursor+1, max(w.choices(n)-1, 0))
		return nil
	case key.Matches(msg, k.Undo):
		return w.move(w.walk.Back(), "undo")
	case key.Matches(msg, k.Note):
		return w.ask("note", "")
	}
	if need := w.walk.NeedVars(); len(need) > 0 && key.Matches(msg, k.Do) {
		return w.ask("var:"+need[0], "")
	}
	switch n.Kind {
	case drtree.KindChoice:
		if key.Matches(msg, k.Do) {
			return w.move(w.walk.Choose(w.cursor, w.actor, w.now()), "")
		}
	case drtree.KindCheck:
		switch {
		case key.Matches(msg, k.Yes):
			return w.move(w.walk.Answer(true, w.actor, "", w.now()), "")
		case key.Matches(msg, k.No):
			return w.move(w.walk.Answer(false, w.actor, "", w.now()), "")
		case key.Matches(msg, k.Live):
			answered, err := w.walk.AutoAnswer(liveProbe(w.snap), w.now())
			if err == nil && !answered {
				err = errors.New("no live answer: the data is missing or stale; answer y or n")
			}
			return w.move(err, "")
		}
	case drtree.KindAction:
		switch {
		case key.Matches(msg, k.Do) && w.awaiting == "":
			return w.runAction()
		case key.Matches(msg, k.ByHand):
			return w.move(w.walk.ActionDone(true, "done by hand", w.actor, w.now()), "")
		case key.Matches(msg, k.Failed):
			return w.move(w.walk.ActionDone(false, "marked failed", w.actor, w.now()), "")
		}
	case drtree.KindManual:
		switch {
		case key.Matches(msg, k.Tick):
			if err := w.walk.Tick(w.cursor, !w.walk.Ticked(w.cursor)); err != nil {
				w.msg = err.Error()
			}
			return w.persistWalk("")
		case key.Matches(msg, k.Do):
			return w.move(w.walk.Complete(w.actor, w.now()), "")
		}
	case drtree.KindWait:
		if key.Matches(msg, k.Do) {
			return w.move(w.walk.WaitDone(w.actor, w.now()), "")
		}
	}
	return nil
}

// choices is how many rows the cursor moves over at node n.
func (w *Wizard) choices(n *drtree.Node) int {
	switch n.Kind {
	case drtree.KindChoice:
		return len(n.Options)
	case drtree.KindManual:
		return len(n.Items)
	}
	return 0
}

// runAction hands the node's action to the root, which confirms and runs
// it like any other; the outcome comes back as an ActionOutcomeMsg.
func (w *Wizard) runAction() tea.Cmd {
	a, err := w.walk.Action()
	if err != nil {
		w.msg = err.Error()
		return nil
	}
	node := w.walk.Current().ID
	return func() tea.Msg {
		return ActionMsg{Kind: ActionKind(a.Kind), Service: a.Target, Params: a.Params, Origin: node}
	}
}

// outcome stamps an action on the timeline and, when the current node
// asked for it, moves the walk on.
func (w *Wizard) outcome(o ActionOutcomeMsg) tea.Cmd {
	if w.inc == nil || !w.inc.Open() {
		return nil
	}
	text := fmt.Sprintf("%s %s: %s", o.Action.Kind, o.Action.Target, o.Result)
	if o.Err != nil {
		text += " (" + o.Err.Error() + ")"
	}
	ev := incident.Event{At: o.At.UTC(), Actor: o.Action.Actor.String(), Kind: incident.EventAction, Text: text}
	cmds := []tea.Cmd{w.addEvent(ev)}
	if o.Origin != "" && w.walk != nil && o.Origin == w.walk.Current().ID {
		w.awaiting = ""
		switch {
		case o.Err == nil:
			cmds = append(cmds, w.move(w.walk.ActionDone(true, "", w.actor, o.At), ""))
		case o.Result == "cancelled":
			// Cancelled is not failed: the step stays, to be run again or
			// done by hand.
			w.msg = "cancelled: run it again (enter), do it by hand (d) or mark it failed (x)"
		default:
			cmds = append(cmds, w.move(w.walk.ActionDone(false, errText(o), w.actor, o.At), ""))
		}
	}
	return tea.Batch(cmds...)
}

// ActionStarted tells the wizard that its node's action was confirmed.
func (w *Wizard) ActionStarted(origin string) {
	if w.walk != nil && origin == w.walk.Current().ID {
		w.awaiting = origin
	}
}

// autoWait ends a wait whose time is up.
func (w *Wizard) autoWait() tea.Cmd {
	if !w.open() || w.walk.Current().Kind != drtree.KindWait || w.walk.WaitLeft(w.now()) > 0 {
		return nil
	}
	return w.move(w.walk.WaitDone(w.actor, w.now()), "")
}

// askBackup requests the newest backup's age of the incident's database
// once a minute.
func (w *Wizard) askBackup() tea.Cmd {
	if !w.open() {
		return nil
	}
	db := w.walk.Vars()["database"]
	if db == "" || w.now().Sub(w.asked[db]) < backupRecheck {
		return nil
	}
	w.asked[db] = w.now()
	return func() tea.Msg { return BackupAgeRequestMsg{Database: db} }
}

// errText is why an action failed, for the timeline.
func errText(o ActionOutcomeMsg) string {
	if o.Err != nil {
		return o.Err.Error()
	}
	return o.Result
}
