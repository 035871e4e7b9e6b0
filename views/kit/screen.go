package kit

import (
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
)

// ID is a screen's address: replies to its requests are delivered by it.
// IDs are never reused within a console, so a reply for a closed screen
// cannot reach a new one.
type ID uint64

// IDs hands out the IDs of one console's screens.
type IDs struct{ last atomic.Uint64 }

// Next is a fresh ID.
func (s *IDs) Next() ID { return ID(s.last.Add(1)) }

// Screen is the contract every screen fulfils. What a screen can do beyond
// it, it says by implementing the optional interfaces below; the root asks
// for them and never for a concrete screen type.
type Screen interface {
	// ID is the address given when the screen was created.
	ID() ID
	// Title is the tab label, or the breadcrumb of a detail.
	Title() string
	SetSize(width, height int)
	Update(tea.Msg) tea.Cmd
	View() string
	// ShortHelp and FullHelp list the screen's own bindings (the root adds
	// the global ones).
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// SnapshotSetter is a screen drawn from fleet data: the root hands it
// every new snapshot while it is on screen, and the newest when shown.
type SnapshotSetter interface {
	SetSnapshot(backend.Snapshot)
}

// Container draws other screens inside itself (the dashboard's panels):
// the root looks among its Children for the screen a reply is addressed
// to, and runs their requests in the container's context. The container
// hands them everything else itself (sizes, snapshots, keys, ticks).
type Container interface {
	Children() []Screen
}

// Resizer may need data once it has a size (the dashboard's chart is
// drawn only where the terminal is large enough): the root calls Resized
// after every SetSize that a new terminal size brought.
type Resizer interface {
	Resized() tea.Cmd
}

// Initer asks for its first data when it is opened: the root calls Init
// right after the screen is on the stack (or, for a tab, when the console
// starts), so the answer always finds it.
type Initer interface {
	Init() tea.Cmd
}

// Activator wants to know when its tab is shown (to refresh what it shows
// only while visible).
type Activator interface {
	Activate() tea.Cmd
}

// Backer has state of its own that esc undoes first (an applied filter, a
// search); Back reports whether there was any. When there was none, esc
// closes the screen if it is a detail.
type Backer interface {
	Back() bool
}

// Capturer reads text at times (a filter being typed): while Capturing,
// the root hands it every key, q and digits included.
type Capturer interface {
	Capturing() bool
}

// KeyOwner claims some keys that are global elsewhere (the health checks
// screen reruns on c, which opens it from any other screen).
type KeyOwner interface {
	OwnsKey(tea.KeyPressMsg) bool
}
