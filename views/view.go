package views

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/theme"
)

// Common is what every view shares: passed explicitly, never global.
type Common struct {
	Theme *theme.Theme
	Keys  *keymap.KeyMap
	Now   func() time.Time
	// DBServices are the services that use each database (config), for
	// "stop affected services".
	DBServices map[string][]string
	// Deployments are the blue/green projects (config deployments:).
	Deployments []deploy.Spec
}

// View is the contract every screen fulfils.
type View interface {
	// Name is the palette command (":services"); Title the tab label.
	Name() string
	Title() string
	SetSize(width, height int)
	SetSnapshot(backend.Snapshot)
	Update(tea.Msg) tea.Cmd
	View() string
	// ShortHelp and FullHelp list the view's own bindings (the root adds
	// the global ones).
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Back undoes one level of the view's own state (clears an applied
	// filter) and reports whether there was any; when there was none the
	// root closes the view if it is a detail.
	Back() bool
	// Capturing reports that the view is reading text (a filter being
	// typed), so the root must hand it every key, q and digits included.
	Capturing() bool
}

// PushMsg asks the root to open a view on top of the current one (a
// detail); esc pops it.
type PushMsg struct{ View View }

// ActionKind names what a view asks for: a fleet action (the values of
// backend.ActionKind) or logs.
type ActionKind string

const (
	ActionRestart             = ActionKind(backend.ActKindRestart)
	ActionRollback            = ActionKind(backend.ActKindRollback)
	ActionStop                = ActionKind(backend.ActKindStop)
	ActionStart               = ActionKind(backend.ActKindStart)
	ActionRestore             = ActionKind(backend.ActKindRestore)
	ActionSilence             = ActionKind(backend.ActKindSilence)
	ActionExpire              = ActionKind(backend.ActKindExpire)
	ActionCommand             = ActionKind(backend.ActKindCommand)
	ActionLogs     ActionKind = "logs"
)

// ActionMsg is a view's request to act on something (a service, a
// database, an alert); the root checks read-only mode, plans, confirms and
// runs it. Service is the target's name; Params are extra parameters
// (silence matchers, the services of a database).
type ActionMsg struct {
	Kind    ActionKind
	Service string
	Params  map[string]string
	// Origin is the decision-tree node that asked (the wizard), "" else.
	Origin string
}

// actionFor maps a key press on a service row to the action it asks for,
// or "".
func actionFor(k *keymap.KeyMap, msg tea.KeyPressMsg) ActionKind {
	switch {
	case key.Matches(msg, k.Logs):
		return ActionLogs
	case key.Matches(msg, k.Restart):
		return ActionRestart
	case key.Matches(msg, k.Rollback):
		return ActionRollback
	case key.Matches(msg, k.Stop):
		return ActionStop
	case key.Matches(msg, k.Start):
		return ActionStart
	}
	return ""
}

// actionCmd wraps an action request as a command.
func actionCmd(kind ActionKind, service string) tea.Cmd {
	return func() tea.Msg { return ActionMsg{Kind: kind, Service: service} }
}
