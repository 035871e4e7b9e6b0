package incident

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/views/kit"
)

// key turns a key into the operation it asks of the desk. Every
// operation names the node the user is looking at: when another engineer
// moved the walk on meanwhile, the desk refuses instead of applying the
// answer to a question this user did not see.
func (w *Wizard) key(msg tea.KeyPressMsg) tea.Cmd {
	k := w.keys
	inc := w.board.Incident
	if !w.open() {
		switch {
		case key.Matches(msg, k.New) && !w.starting && (inc == nil || !inc.Open()):
			return w.start()
		case inc != nil && !inc.Open():
			return w.resolvedKey(msg)
		}
		return nil
	}
	walk := w.board.Walk
	n := walk.Current()
	node := n.ID
	switch {
	case key.Matches(msg, w.c.Keys.Up):
		w.cursor = max(w.cursor-1, 0)
		return nil
	case key.Matches(msg, w.c.Keys.Down):
		w.cursor = min(w.cursor+1, max(choices(n)-1, 0))
		return nil
	case key.Matches(msg, k.Undo):
		return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Undo(a) })
	case key.Matches(msg, k.Note):
		return w.ask("note", "")
	case key.Matches(msg, k.Called):
		var advice []string
		if esc := incident.EscalationPending(inc, walk); esc != nil {
			advice = w.advice(esc) // what the screen told them to do
		}
		return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Escalated(a, node, advice) })
	}
	if need := walk.NeedVars(); len(need) > 0 && key.Matches(msg, k.Do) {
		return w.ask("var:"+need[0], "")
	}
	cursor := w.cursor
	switch n.Kind {
	case drtree.KindChoice:
		if key.Matches(msg, k.Do) {
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Choose(a, node, cursor) })
		}
	case drtree.KindCheck:
		switch {
		case key.Matches(msg, k.Yes), key.Matches(msg, k.No):
			yes := key.Matches(msg, k.Yes)
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Answer(a, node, yes) })
		case key.Matches(msg, k.Live):
			snap := w.snap // the data the user sees is the data answered from
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.AnswerLive(a, node, snap) })
		}
	case drtree.KindAction:
		switch {
		case key.Matches(msg, k.Do) && w.board.Awaiting == "":
			return w.runAction()
		case key.Matches(msg, k.ByHand), key.Matches(msg, k.Failed):
			ok := key.Matches(msg, k.ByHand)
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.ActionByHand(a, node, ok) })
		}
	case drtree.KindManual:
		switch {
		case key.Matches(msg, k.Tick):
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Tick(a, node, cursor) })
		case key.Matches(msg, k.Do):
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.Complete(a, node) })
		}
	case drtree.KindWait:
		if key.Matches(msg, k.Do) {
			return w.change(func(d *incident.Desk, a backend.Actor) error { return d.SkipWait(a, node) })
		}
	}
	return nil
}

// choices is how many rows the cursor moves over at node n.
func choices(n *drtree.Node) int {
	switch n.Kind {
	case drtree.KindChoice:
		return len(n.Options)
	case drtree.KindManual:
		return len(n.Items)
	}
	return 0
}

// runAction hands the node's action to the root, which confirms and runs
// it like any other; the desk hears of its start and end from the action
// runner and moves the walk on.
func (w *Wizard) runAction() tea.Cmd {
	a, err := w.board.Walk.Action()
	if err != nil {
		w.msg = err.Error()
		return nil
	}
	node := w.node
	return func() tea.Msg {
		return kit.ActionMsg{Kind: a.Kind, Target: a.Target, Params: a.Params, Origin: node}
	}
}

// resolvedKey handles the keys of a resolved incident: the report and the
// post-incident checklist.
func (w *Wizard) resolvedKey(msg tea.KeyPressMsg) tea.Cmd {
	k := w.keys
	inc := w.board.Incident
	switch {
	case key.Matches(msg, k.Report):
		w.report = incident.ReportFacts{Impact: inc.Impact, AffectedUsers: inc.AffectedUsers, RootCause: inc.RootCause, ActionItems: inc.ActionItems}
		return w.ask("impact", w.report.Impact)
	case key.Matches(msg, w.c.Keys.Up):
		w.cursor = max(w.cursor-1, 0)
	case key.Matches(msg, w.c.Keys.Down):
		w.cursor = min(w.cursor+1, len(inc.PostIncident)-1)
	case key.Matches(msg, k.Tick):
		i := w.cursor
		return w.change(func(d *incident.Desk, a backend.Actor) error { return d.TickPostIncident(a, i) })
	}
	return nil
}
