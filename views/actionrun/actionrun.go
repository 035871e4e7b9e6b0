// Package actionrun is the screen of one action while it runs and after.
package actionrun

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// maxActionLines bounds the output an action view keeps: a restore that
// prints a line per table must not grow memory without limit.
const maxActionLines = 2000

// ActionRun shows one action while it runs and after: what it does and
// where, its streamed output, and how it ended. The root feeds it output
// and the result; it does no I/O. Closing the view does not stop the
// action (ctrl+c does).
type ActionRun struct {
	c             kit.Common
	id            kit.ID
	plan          backend.Plan
	started       time.Time
	lines         []backend.OutputLine
	dropped       int
	done          bool
	err           error
	result        string
	ended         time.Time
	scroll        int // lines up from the tail; 0 follows
	width, height int
}

// New is the view of a confirmed plan that has just started.
func New(c kit.Common, p backend.Plan, started time.Time) *ActionRun {
	return &ActionRun{c: c, id: c.NewID(), plan: p, started: started}
}

func (v *ActionRun) ID() kit.ID { return v.id }

func (v *ActionRun) Title() string {
	return string(v.plan.Action.Kind) + " " + kit.Sanitize(v.plan.Action.Target)
}
func (v *ActionRun) SetSize(w, h int) { v.width, v.height = w, h }

// Running reports whether the action has not ended yet.
func (v *ActionRun) Running() bool { return !v.done }

// Append adds streamed output, dropping the oldest beyond the bound.
func (v *ActionRun) Append(lines []backend.OutputLine) {
	v.lines = append(v.lines, lines...)
	if over := len(v.lines) - maxActionLines; over > 0 {
		v.lines = append(v.lines[:0:0], v.lines[over:]...)
		v.dropped += over
	}
}

// Action is the action this screen runs.
func (v *ActionRun) Action() backend.Action { return v.plan.Action }

// Started is when it started.
func (v *ActionRun) Started() time.Time { return v.started }

// Ended is when it ended and with what result word; zero while running.
func (v *ActionRun) Ended() (time.Time, string) { return v.ended, v.result }

// Finish records how the action ended; result is the audit result word.
func (v *ActionRun) Finish(result string, err error, at time.Time) {
	v.done, v.result, v.err, v.ended = true, result, err, at
}

func (v *ActionRun) ShortHelp() []key.Binding {
	k := v.c.Keys
	return []key.Binding{k.Up, k.Down, k.Bottom, k.Back}
}
func (v *ActionRun) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *ActionRun) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := v.c.Keys
	switch {
	case key.Matches(kp, k.Up):
		v.scroll = min(v.scroll+1, max(len(v.lines)-1, 0))
	case key.Matches(kp, k.Down):
		v.scroll = max(v.scroll-1, 0)
	case key.Matches(kp, k.PageUp):
		v.scroll = min(v.scroll+v.outputRows(), max(len(v.lines)-1, 0))
	case key.Matches(kp, k.PageDown):
		v.scroll = max(v.scroll-v.outputRows(), 0)
	case key.Matches(kp, k.HalfPageUp):
		v.scroll = min(v.scroll+max(v.outputRows()/2, 1), max(len(v.lines)-1, 0))
	case key.Matches(kp, k.HalfPageDown):
		v.scroll = max(v.scroll-max(v.outputRows()/2, 1), 0)
	case key.Matches(kp, k.Top):
		v.scroll = max(len(v.lines)-1, 0)
	case key.Matches(kp, k.Bottom):
		v.scroll = 0
	}
	return nil
}

// status is the one-line state: running with elapsed time, or the result.
func (v *ActionRun) status() string {
	t := v.c.Theme
	now := v.c.Now()
	switch {
	case !v.done:
		return t.Warn.Render(fmt.Sprintf("● running %s", roundDur(now.Sub(v.started)))) +
			t.Subtle.Render("  ctrl+c cancels · esc: run in background (:jobs reopens it)")
	case v.err == nil:
		return t.OK.Render(fmt.Sprintf("✔ done in %s", roundDur(v.ended.Sub(v.started))))
	}
	line := fmt.Sprintf("✖ %s after %s", v.result, roundDur(v.ended.Sub(v.started)))
	var ended *backend.EndedError
	switch {
	case errors.As(v.err, &ended) && ended.Detail != "":
		line += ": " + kit.Sanitize(ended.Detail) // the result word is said already
	case ended == nil:
		line += ": " + kit.Sanitize(v.err.Error())
	}
	return t.Down.Render(line)
}

func roundDur(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// header is the action's title, status and plan steps.
func (v *ActionRun) header() []string {
	t := v.c.Theme
	a := v.plan.Action
	out := []string{
		t.Title.Render(strings.ToUpper(string(a.Kind))+" "+kit.Sanitize(a.Target)) + t.Subtle.Render("  by "+a.Actor.String()),
		v.status(),
	}
	out = append(out, v.aftermath()...)
	for _, s := range v.plan.Steps {
		// What runs is read whole: wrapped under its mark, never cut.
		for i, l := range kit.Wrap(kit.Sanitize(s), max(v.width-4, 20)) {
			lead := "    "
			if i == 0 {
				lead = t.Subtle.Render("  · ")
			}
			out = append(out, lead+l)
		}
	}
	return append(out, "")
}

func (v *ActionRun) outputRows() int { return max(v.height-len(v.header()), 1) }

func (v *ActionRun) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	lines := v.header()
	rows := v.outputRows()
	end := len(v.lines) - v.scroll
	start := max(end-rows, 0)
	if v.dropped > 0 && start == 0 && rows > 1 {
		lines = append(lines, t.Subtle.Render(fmt.Sprintf("… %d earlier lines dropped", v.dropped)))
		rows--
		start = max(end-rows, 0)
	}
	for _, l := range v.lines[start:end] {
		text := kit.Sanitize(l.Text)
		switch l.Stream {
		case "stderr":
			text = t.Warn.Render(text)
		case "info":
			text = t.Subtle.Render("» ") + text
		}
		lines = append(lines, t.Subtle.Render(l.At.UTC().Format("15:04:05")+" ")+text)
	}
	for i, l := range lines {
		lines[i] = kit.FitLine(l, v.width)
	}
	if len(lines) > v.height {
		lines = lines[:v.height]
	}
	return strings.Join(lines, "\n")
}
