package tui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/views/actionrun"
	"github.com/manacore/opsdeck/views/kit"
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
	view   *actionrun.ActionRun
	cancel context.CancelFunc
	out    chan backend.OutputLine
	err    error // set before out is closed
}

// requestAction starts the flow for a view's request: refuse when this
// console may not act, ask parameters, plan.
func (m *Model) requestAction(a kit.ActionMsg) tea.Cmd {
	kind := a.Kind
	if m.opts.ReadOnly || !m.opts.Actor.CanAct() {
		return notify(kit.LevelError, fmt.Sprintf("read-only: %s %s refused", kind, a.Target))
	}
	if m.opts.Actions == nil || !m.opts.Actions.Kinds()[kind] {
		return notify(kit.LevelWarn, fmt.Sprintf("%s %s: not configured (see README, actions)", kind, a.Target))
	}
	if m.confirm.open() {
		return nil
	}
	if svcs, ok := a.Params["services"]; ok && svcs == "" {
		return notify(kit.LevelWarn, fmt.Sprintf("%s the services of %s: none configured (databases[].services)", kind, a.Target))
	}
	act := backend.Action{ID: newActionID(), Kind: kind, Target: a.Target, Params: a.Params, Actor: m.opts.Actor, Origin: a.Origin}
	cmd, planNow := m.confirm.ask(act, formFor(kind, a.Params))
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
		return notify(kit.LevelError, about(fmt.Sprintf("%s %s", m.confirm.action.Kind, m.confirm.action.Target), msg.err))
	}
	cmd := m.confirm.planned(msg.plan)
	w, h := m.bodySize()
	m.confirm.fit(m.theme, w, h) // a plan that fits is read as it shows
	return cmd
}

// confirmKey routes a key to the open dialog.
func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	w, h := m.bodySize()
	m.confirm.fit(m.theme, w, h) // the terminal may have changed size
	var cmd tea.Cmd
	res := confirmCancel
	if m.closes(msg) && !m.confirm.typing() {
		m.confirm.close() // q is esc here, but a letter in a field
	} else {
		cmd, res = m.confirm.update(msg)
	}
	switch res {
	case confirmPlan:
		return tea.Batch(cmd, m.planCmd(m.confirm.action))
	case confirmExecute:
		return tea.Batch(cmd, m.execute(m.confirm.plan))
	case confirmCancel:
		return tea.Batch(cmd, notify(kit.LevelInfo, fmt.Sprintf("%s %s: cancelled, nothing done", m.confirm.action.Kind, m.confirm.action.Target)))
	}
	return cmd
}

// execute opens the action's screen and runs the confirmed plan in a
// command; output and the end come back as messages.
func (m *Model) execute(p backend.Plan) tea.Cmd {
	ctx, cancel := context.WithCancel(m.ctx)
	out := make(chan backend.OutputLine, 256)
	run := &running{
		action: p.Action,
		view:   actionrun.New(m.common, p, m.opts.Clock()),
		cancel: cancel,
		out:    out,
	}
	m.running[p.Action.ID] = run
	m.addJob(run.view)
	r := m.opts.Actions
	exec := func() tea.Msg {
		err := r.Execute(ctx, p, func(l backend.OutputLine) {
			select {
			case out <- l:
			case <-ctx.Done():
			}
		})
		run.err = err // read by next only after out is closed
		close(out)
		return nil
	}
	return tea.Batch(m.push(run.view), exec, run.next(p.Action.ID))
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
	m.refreshJobs()
	title := r.view.Title()
	note := notify(kit.LevelInfo, title+": done")
	if msg.err != nil {
		note = notify(kit.LevelError, about(title, msg.err))
	}
	// Screens that show what actions change read it again (silences, the
	// deployments' history); the incident timeline is the runner's job.
	return tea.Batch(note, m.broadcast(kit.ActionEndedMsg{Action: r.action, Result: result, Err: msg.err, At: at}))
}

// about words err about what ("restore chat: no dumps found in …"), once
// even when the error names what already: executors word their errors to
// stand alone.
func about(what string, err error) string {
	if msg := err.Error(); strings.HasPrefix(msg, what+": ") {
		return msg
	}
	return what + ": " + err.Error()
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
	return notify(kit.LevelWarn, fmt.Sprintf("cancelling %d running action(s)…", len(m.running))), true
}
