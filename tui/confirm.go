package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/theme"
)

// confirmGrace is how long a freshly opened confirmation ignores keys: a
// key typed for the screen before (an "r" pressed twice, a held "y") is
// already in flight and must not confirm what the user has not read.
const confirmGrace = 400 * time.Millisecond

type confirmStage int

const (
	stageClosed   confirmStage = iota
	stageForm                  // asking for parameters (silence duration, comment)
	stagePlanning              // waiting for the plan
	stageConfirm               // showing the plan, waiting for y or the typed name
)

// formField is one parameter asked before planning: a choice cycled with
// ←/→ or free text.
type formField struct {
	param, label string
	choices      []string
	idx          int
	input        textinput.Model
}

func (f *formField) value() string {
	if f.choices != nil {
		return f.choices[f.idx]
	}
	return strings.TrimSpace(f.input.Value())
}

// confirmDialog is the modal between "r" and the restart: it asks for
// parameters, shows the plan exactly (what, where, how long at most), and
// wants "y" or, for destructive actions, the target's name typed.
type confirmDialog struct {
	stage    confirmStage
	action   backend.Action
	fields   []formField
	focus    int
	plan     backend.Plan
	option   int // selected Plan.Options entry
	typed    textinput.Model
	openedAt time.Time
	grace    time.Duration
	now      func() time.Time // the real clock: grace is about human reaction time
	// The layout (confirmscroll.go): the body it was last fitted to, the
	// first line shown, whether every line of the plan has been on
	// screen, and why a confirm key was not taken.
	w, h    int
	theme   *theme.Theme
	scroll  int
	seenAll bool
	hint    string
}

func newConfirmDialog() confirmDialog {
	ti := textinput.New()
	ti.Prompt = "> "
	return confirmDialog{typed: ti, grace: confirmGrace, now: time.Now}
}

func (d *confirmDialog) open() bool { return d.stage != stageClosed }

// typing says a text field has the keys (a form's free text, the name
// typed to confirm): every printable key is a letter of it then.
func (d *confirmDialog) typing() bool {
	switch d.stage {
	case stageForm:
		return d.focus < len(d.fields) && d.fields[d.focus].choices == nil
	case stageConfirm:
		return d.plan.Destructive
	}
	return false
}

func (d *confirmDialog) close() {
	d.stage = stageClosed
	d.typed.Blur()
}

// ask opens the form for a, or goes straight to planning when a needs no
// parameters; it reports whether planning should start now.
func (d *confirmDialog) ask(a backend.Action, fields []formField) (tea.Cmd, bool) {
	d.action, d.fields, d.focus, d.option = a, fields, 0, 0
	d.openedAt = d.now()
	if len(fields) == 0 {
		d.stage = stagePlanning
		return nil, true
	}
	d.stage = stageForm
	return d.focusField(), false
}

func (d *confirmDialog) focusField() tea.Cmd {
	var cmd tea.Cmd
	for i := range d.fields {
		if i == d.focus && d.fields[i].choices == nil {
			cmd = d.fields[i].input.Focus()
		} else {
			d.fields[i].input.Blur()
		}
	}
	return cmd
}

// planned shows a plan for confirmation and restarts the grace period.
func (d *confirmDialog) planned(p backend.Plan) tea.Cmd {
	// The grace is for a dialog that just opened; a plan redone for
	// another option (a dump, a version) is read already, and the keys
	// typed next are meant for it.
	if d.plan.Action.ID != p.Action.ID {
		d.openedAt = d.now()
	}
	d.plan, d.stage = p, stageConfirm
	d.scroll, d.seenAll, d.hint = 0, false, ""
	d.option = 0
	for i, o := range p.Options {
		if p.Action.Params[o.Param] == o.Value {
			d.option = i
		}
	}
	d.typed.SetValue("")
	if p.Destructive {
		return d.typed.Focus()
	}
	return nil
}

// confirmResult is what a key did to the dialog.
type confirmResult int

const (
	confirmNothing confirmResult = iota
	confirmCancel
	confirmPlan    // form done or option changed: plan d.action
	confirmExecute // confirmed: run d.plan
)

func (d *confirmDialog) update(msg tea.KeyPressMsg) (tea.Cmd, confirmResult) {
	if msg.String() == "esc" {
		d.close()
		return nil, confirmCancel
	}
	if d.now().Sub(d.openedAt) < d.grace {
		return nil, confirmNothing
	}
	switch d.stage {
	case stageForm:
		return d.updateForm(msg)
	case stageConfirm:
		return d.updateConfirm(msg)
	}
	return nil, confirmNothing
}

func (d *confirmDialog) updateForm(msg tea.KeyPressMsg) (tea.Cmd, confirmResult) {
	f := &d.fields[d.focus]
	switch msg.String() {
	case "tab", "down":
		d.focus = (d.focus + 1) % len(d.fields)
		return d.focusField(), confirmNothing
	case "shift+tab", "up":
		d.focus = (d.focus + len(d.fields) - 1) % len(d.fields)
		return d.focusField(), confirmNothing
	case "enter":
		if d.focus < len(d.fields)-1 {
			d.focus++
			return d.focusField(), confirmNothing
		}
		params := map[string]string{}
		for k, v := range d.action.Params {
			params[k] = v
		}
		for i := range d.fields {
			params[d.fields[i].param] = d.fields[i].value()
		}
		d.action.Params = params
		d.stage = stagePlanning
		return nil, confirmPlan
	}
	if f.choices != nil {
		switch msg.String() {
		case "left", "h":
			f.idx = (f.idx + len(f.choices) - 1) % len(f.choices)
		case "right", "l", "space":
			f.idx = (f.idx + 1) % len(f.choices)
		}
		return nil, confirmNothing
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd, confirmNothing
}

func (d *confirmDialog) updateConfirm(msg tea.KeyPressMsg) (tea.Cmd, confirmResult) {
	room := confirmRoom(d.h)
	switch msg.String() {
	case "pgdown", "ctrl+f":
		d.scrollBy(d.theme, room-1)
		return nil, confirmNothing
	case "pgup", "ctrl+b":
		d.scrollBy(d.theme, -(room - 1))
		return nil, confirmNothing
	case "ctrl+d":
		d.scrollBy(d.theme, max(room/2, 1))
		return nil, confirmNothing
	case "ctrl+u":
		d.scrollBy(d.theme, -max(room/2, 1))
		return nil, confirmNothing
	case "y", "Y", "enter":
		if !d.seenAll {
			d.hint = "read the whole plan first: pgdn"
			return nil, confirmNothing
		}
	}
	if n := len(d.plan.Options); n > 0 {
		switch msg.String() {
		case "up", "down", "ctrl+p", "ctrl+n":
			step := 1
			if s := msg.String(); s == "up" || s == "ctrl+p" {
				step = n - 1
			}
			d.option = (d.option + step) % n
			o := d.plan.Options[d.option]
			params := map[string]string{}
			for k, v := range d.action.Params {
				params[k] = v
			}
			params[o.Param] = o.Value
			d.action.Params = params
			d.stage = stagePlanning
			return nil, confirmPlan
		}
	}
	if d.plan.Destructive {
		if msg.String() == "enter" {
			if d.typed.Value() == d.plan.Confirm {
				d.close()
				return nil, confirmExecute
			}
			// Say why nothing happened rather than sit there.
			d.hint = fmt.Sprintf("%q does not match %s", backend.Printable(d.typed.Value()), backend.Printable(d.plan.Confirm))
			if d.typed.Value() == "" {
				d.hint = "type " + backend.Printable(d.plan.Confirm) + " to confirm, esc to cancel"
			}
			return nil, confirmNothing
		}
		d.hint = ""
		var cmd tea.Cmd
		d.typed, cmd = d.typed.Update(msg)
		return cmd, confirmNothing
	}
	switch msg.String() {
	case "y", "Y", "enter":
		d.close()
		return nil, confirmExecute
	case "n", "N", "q":
		d.close()
		return nil, confirmCancel
	}
	return nil, confirmNothing
}

// lines renders the dialog's content (without the frame) at width w.
func (d *confirmDialog) lines(t *theme.Theme, w int) []string {
	a := d.action
	out := []string{t.Title.Render(strings.ToUpper(string(a.Kind))+" "+backend.Printable(a.Target)) + t.Subtle.Render("  as "+a.Actor.String()), ""}
	switch d.stage {
	case stageForm:
		for i := range d.fields {
			f := &d.fields[i]
			mark := "  "
			if i == d.focus {
				mark = t.Title.Render("› ")
			}
			label := fmt.Sprintf("%-10s ", f.label)
			if f.choices != nil {
				var parts []string
				for j, c := range f.choices {
					if j == f.idx {
						c = t.Selected.Render(" " + c + " ")
					} else {
						c = " " + c + " "
					}
					parts = append(parts, c)
				}
				out = append(out, mark+label+strings.Join(parts, ""))
			} else {
				f.input.SetWidth(max(w-len(label)-6, 8))
				out = append(out, mark+label+f.input.View())
			}
		}
		out = append(out, "", t.Subtle.Render("tab next field · ←/→ choose · enter continue · esc cancel"))
	case stagePlanning:
		out = append(out, t.Subtle.Render("planning…"))
	case stageConfirm:
		out = append(out, t.Bold.Render("This will:"))
		for _, s := range d.plan.Steps {
			out = append(out, hanging("  • ", backend.Printable(s), w)...) // steps quote container names
		}
		if d.plan.Timeout > 0 {
			out = append(out, t.Subtle.Render(fmt.Sprintf("  (gives up after %s)", d.plan.Timeout)))
		}
		if n := len(d.plan.Options); n > 0 {
			out = append(out, "", t.Bold.Render("Choose ("+d.plan.Options[0].Param+", ↑/↓):"))
			for i, o := range d.plan.Options {
				label := backend.Printable(o.Label)
				if i != d.option {
					out = append(out, hanging("    ", label, w)...)
					continue
				}
				for _, l := range hanging("  › ", label, w) {
					out = append(out, t.Selected.Render(l))
				}
			}
		}
		out = append(out, "")
		if d.plan.Destructive {
			for _, l := range hanging("", "Type "+backend.Printable(d.plan.Confirm)+" and press enter to confirm:", w) {
				out = append(out, t.Warn.Render(l))
			}
			out = append(out, d.typed.View())
		} else {
			out = append(out, t.Warn.Render("Proceed? y confirm · n/esc cancel"))
		}
		if d.hint != "" {
			out = append(out, t.Down.Render("▲ "+d.hint))
		}
	}
	return out
}
