package kit

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/keymap"
)

// PushMsg asks the root to open a screen on top of the current one (a
// detail); esc pops it. The root sizes it, gives it the snapshot and then
// calls its Init, so its first request finds it on the stack.
type PushMsg struct{ Screen Screen }

// Push is the command that opens s.
func Push(s Screen) tea.Cmd { return func() tea.Msg { return PushMsg{Screen: s} } }

// OpenMsg asks the root to open a registered screen by name ("logs",
// "check", "silences") with an argument (the service of the logs).
type OpenMsg struct{ Name, Arg string }

// Open is the command that opens the registered screen name.
func Open(name, arg string) tea.Cmd { return func() tea.Msg { return OpenMsg{Name: name, Arg: arg} } }

// ShowTabMsg asks the root to show the tab registered as Name (the
// dashboard's enter on a panel opens that panel's tab).
type ShowTabMsg struct{ Name string }

// ShowTab is the command that shows tab name.
func ShowTab(name string) tea.Cmd { return func() tea.Msg { return ShowTabMsg{Name: name} } }

// ActionKind names what a screen asks for: a fleet action (the values of
// backend.ActionKind).
type ActionKind = backend.ActionKind

// ActionMsg is a screen's request to act on something (a service, a
// database, an alert); the root checks the actor, plans, confirms and
// runs it. Target is the target's name; Params are extra parameters
// (silence matchers, the services of a database).
type ActionMsg struct {
	Kind   ActionKind
	Target string
	Params map[string]string
	// Origin is the decision-tree node that asked (the wizard), "" else.
	Origin string
}

// Act is the command that asks for an action on target.
func Act(kind ActionKind, target string, params map[string]string) tea.Cmd {
	return func() tea.Msg { return ActionMsg{Kind: kind, Target: target, Params: params} }
}

// ActionEndedMsg tells every screen how an action ended (the deployments
// re-read their history, the silences their list, the wizard says when
// its own step was cancelled). The incident timeline does not depend on
// it: the action runner stamps that itself.
type ActionEndedMsg struct {
	Action backend.Action
	Result string
	Err    error
	At     time.Time
}

// IncidentMsg carries the incident desk's newest board to every screen.
type IncidentMsg struct{ Board incident.Board }

// ThemeMsg tells every screen that Common.Theme has new styles (the
// terminal said its background): what a screen made from the old ones
// (a table's styles, the colours of its rows) it makes again.
type ThemeMsg struct{}

// TickMsg is the root's once-a-second clock, forwarded to the active
// screen (countdowns, periodic refreshes of what it shows).
type TickMsg time.Time

// ServiceAction maps a key press on a service row to what it asks: logs
// or a fleet action; ok is false when the key is neither.
func ServiceAction(k *keymap.KeyMap, service string, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, k.Logs):
		return Open("logs", service), true
	case key.Matches(msg, k.Restart):
		return Act(backend.ActKindRestart, service, nil), true
	case key.Matches(msg, k.Rollback):
		return Act(backend.ActKindRollback, service, nil), true
	case key.Matches(msg, k.Stop):
		return Act(backend.ActKindStop, service, nil), true
	case key.Matches(msg, k.Start):
		return Act(backend.ActKindStart, service, nil), true
	}
	return nil, false
}

// Enabled keeps the bindings read-only mode has not switched off.
func Enabled(bs ...key.Binding) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// WithHelp is b with another description (the same key means "stop the
// services of this database" on the databases screen).
func WithHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Level is how a notice in the status bar reads: information, a warning,
// an error.
type Level int

const (
	LevelInfo Level = iota
	LevelWarn
	LevelError
)

// NoticeMsg asks the root to show text in the status bar until it
// expires (errors stay longer).
type NoticeMsg struct {
	Level Level
	Text  string
}

// Notify is the command that shows a notice.
func Notify(l Level, text string) tea.Cmd {
	return func() tea.Msg { return NoticeMsg{Level: l, Text: text} }
}
