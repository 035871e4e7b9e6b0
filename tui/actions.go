package tui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/views"
)

// planTimeout bounds resolving an action (inspecting containers, listing
// dumps over SSH) before the confirmation shows.
const planTimeout = 20 * time.Second

// newActionID returns a random ID pairing an action's audit entries.
func newActionID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type planMsg struct {
	id   string
	plan backend.Plan
	err  error
}

type actionOutputMsg struct {
	id    string
	lines []backend.OutputLine
}

type actionDoneMsg struct {
	id  string
	err error
}

// running is one executing action: its cancel and where output goes.
type running struct {
	action backend.Action
	origin string // the wizard node that asked, if any
	view   *views.ActionRun
	cancel context.CancelFunc
	out    chan backend.OutputLine
	err    error // set before out is closed
}

// requestAction starts the flow for a view's request: refuse when this
// console may not act, ask parameters, plan.
func (m *Model) requestAction(a views.ActionMsg) tea.Cmd {
	kind := backend.ActionKind(a.Kind)
	if m.opts.ReadOnly || !m.opts.Actor.CanAct() {
		return notify(levelError, fmt.Sprintf("read-only: %s %s refused", kind, a.Service))
	}
	if m.opts.Actions == nil || !m.opts.Actions.Kinds()[kind] {
		return notify(levelWarn, fmt.Sprintf("%s %s: not configured (see README, actions)", kind, a.Service))
	}
	if m.confirm.open() {
		return nil
	}
	if svcs, ok := a.Params["services"]; ok && svcs == "" {
		return notify(levelWarn, fmt.Sprintf("%s the services of %s: none configured (databases[].services)", kind, a.Service))
	}
	act := backend.Action{ID: newActionID(), Kind: kind, Target: a.Service, Params: a.Params, Actor: m.opts.Actor}
	cmd, planNow := m.confirm.ask(act, formFor(kind, a.Params))
	m.confirm.origin = a.Origin
	if planNow {
		return tea.Batch(cmd, m.planCmd(act))
	}
	return cmd
}

// formFor lists the parameters asked before planning.
func formFor(kind backend.ActionKind, params map[string]string) []formField {
	switch kind {
	case backend.ActKindCommand:
		// A blue/green traffic shift asks the colour's new weight.
		if params["step"] == deploy.StepShift && params["weight"] == "" {
			return []formField{{param: "weight", label: params["colour"] + " gets %",
				choices: []string{"5", "10", "25", "50", "75", "90"}, idx: 1}}
		}
	case backend.ActKindSilence:
		comment := textinput.New()
		comment.Prompt = ""
		comment.Placeholder = "why it is muted (required)"
		return []formField{
			{param: "duration", label: "duration", choices: []string{"1h", "2h", "4h", "8h", "24h"}, idx: 1},
			{param: "comment", label: "comment", input: comment},
		}
	}
	return nil
}

func (m *Model) planCmd(a backend.Action) tea.Cmd {
	r, parent := m.opts.Actions, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, planTimeout)
		defer cancel()
		p, err := r.Plan(ctx, a)
		return planMsg{id: a.ID, plan: p, err: err}
	}
}

func (m *Model) planned(msg planMsg) tea.Cmd {
	if m.confirm.stage != stagePlanning || m.confirm.action.ID != msg.id {
		return nil // cancelled meanwhile, or an older plan
	}
	if msg.err != nil {
		m.confirm.close()
		return notify(levelError, fmt.Sprintf("%s %s: %v", m.confirm.action.Kind, m.confirm.action.Target, msg.err))
	}
	return m.confirm.planned(msg.plan)
}

// confirmKey routes a key to the open dialog.
func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	cmd, res := m.confirm.update(msg)
	switch res {
	case confirmPlan:
		return tea.Batch(cmd, m.planCmd(m.confirm.action))
	case confirmExecute:
		return tea.Batch(cmd, m.execute(m.confirm.plan))
	case confirmCancel:
		return tea.Batch(cmd, notify(levelInfo, fmt.Sprintf("%s %s: cancelled, nothing done", m.confirm.action.Kind, m.confirm.action.Target)))
	}
	return cmd
}

// execute runs a confirmed plan in its own goroutine and opens its view;
// output and the end come back as messages.
func (m *Model) execute(p backend.Plan) tea.Cmd {
	ctx, cancel := context.WithCancel(m.ctx)
	run := &running{
		action: p.Action,
		origin: m.confirm.origin,
		view:   views.NewActionRun(m.common, p, m.opts.Clock()),
		cancel: cancel,
		out:    make(chan backend.OutputLine, 256),
	}
	m.running[p.Action.ID] = run
	if w := m.wizard(); w != nil && run.origin != "" {
		w.ActionStarted(run.origin)
	}
	r := m.opts.Actions
	go func() {
		err := r.Execute(ctx, p, func(l backend.OutputLine) {
			select {
			case run.out <- l:
			case <-ctx.Done():
			}
		})
		run.err = err
		close(run.out)
	}()
	return tea.Batch(func() tea.Msg { return views.PushMsg{View: run.view} }, run.next(p.Action.ID))
}

// maxBatch bounds the lines one message carries, so a flood of output is
// drawn in steps instead of one huge frame.
const maxBatch = 512

// next waits for the next output (taking whatever else is already there)
// or the end of the action.
func (r *running) next(id string) tea.Cmd {
	return func() tea.Msg {
		l, ok := <-r.out
		if !ok {
			return actionDoneMsg{id: id, err: r.err}
		}
		batch := []backend.OutputLine{l}
		for len(batch) < maxBatch {
			select {
			case l, ok := <-r.out:
				if !ok {
					return actionOutputMsg{id: id, lines: batch}
				}
				batch = append(batch, l)
			default:
				return actionOutputMsg{id: id, lines: batch}
			}
		}
		return actionOutputMsg{id: id, lines: batch}
	}
}

func (m *Model) actionOutput(msg actionOutputMsg) tea.Cmd {
	r := m.running[msg.id]
	if r == nil {
		return nil
	}
	r.view.Append(msg.lines)
	return r.next(msg.id)
}

func (m *Model) actionDone(msg actionDoneMsg) tea.Cmd {
	r := m.running[msg.id]
	if r == nil {
		return nil
	}
	delete(m.running, msg.id)
	r.cancel()
	result := resultWord(msg.err)
	at := m.opts.Clock()
	r.view.Finish(result, msg.err, at)
	title := r.view.Title()
	note := notify(levelInfo, title+": done")
	if msg.err != nil {
		note = notify(levelError, fmt.Sprintf("%s: %s", title, msg.err))
	}
	// The incident timeline records every action while an incident is
	// open, and the wizard moves on when its own step's action ended.
	outcome := views.ActionOutcomeMsg{Action: r.action, Origin: r.origin, Result: result, Err: msg.err, At: at}
	cmds := []tea.Cmd{note}
	if w := m.wizard(); w != nil {
		cmds = append(cmds, w.Update(outcome))
	}
	for _, v := range m.stack {
		if s, ok := v.(*views.Silences); ok {
			cmds = append(cmds, s.Update(outcome))
		}
	}
	if d := m.deploys(); d != nil {
		cmds = append(cmds, d.Update(outcome)) // re-read the history
	}
	return tea.Batch(cmds...)
}

// resultWord is the short outcome shown on the action view.
func resultWord(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	return "failed"
}

// cancelRunning cancels every running action (ctrl+c); it reports whether
// there was one.
func (m *Model) cancelRunning() (tea.Cmd, bool) {
	if len(m.running) == 0 {
		return nil, false
	}
	for _, r := range m.running {
		r.cancel()
	}
	return notify(levelWarn, fmt.Sprintf("cancelling %d running action(s)…", len(m.running))), true
}
