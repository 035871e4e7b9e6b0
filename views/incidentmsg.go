package views

import (
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
)

// IncidentStore is where incidents are kept (backend/incident.Store). The
// wizard never calls it itself: it hands IncidentChanges to the root, which
// applies them in order off the UI goroutine.
type IncidentStore interface {
	Current() *incident.Incident
	Start(inc incident.Incident, actor string) (*incident.Incident, error)
	AddEvent(id string, e incident.Event) error
	SetWalk(id string, st drtree.State, b *drtree.Branch) error
	Update(id string, fn func(*incident.Incident) error) error
	Resolve(id string, at time.Time, actor string) error
	TickPostIncident(id string, i int, done bool) error
	Get(id string) (*incident.Incident, error)
}

// IncidentChange is one change for the store. The root applies changes one
// at a time in the order the wizard made them; Done, if set, is shown when
// the change is on disk.
type IncidentChange struct {
	Apply func(IncidentStore) error
	Done  string
}

// IncidentStartMsg asks the root to open a new incident.
type IncidentStartMsg struct{ Incident incident.Incident }

// IncidentStartedMsg is the store's answer: the incident with its ID.
type IncidentStartedMsg struct {
	Incident *incident.Incident
	// Joined: another console (an `opsdeck serve` session) had already
	// opened this incident; the wizard resumes its walk.
	Joined bool
	Err    error
}

// ActionOutcomeMsg tells the wizard how an action ended. Origin is the
// decision-tree node that asked for it, "" for actions run from other
// views (they still go on the timeline of an open incident).
type ActionOutcomeMsg struct {
	Action backend.Action
	Origin string
	Result string
	Err    error
	At     time.Time
}

// BackupAgeRequestMsg asks for the newest backup of a database (the RPO
// at stake); BackupAgeMsg answers.
type BackupAgeRequestMsg struct{ Database string }

// BackupAgeMsg is the newest backup's time, or why it is unknown.
type BackupAgeMsg struct {
	Database string
	Newest   time.Time
	Err      error
}

// TickMsg is the root's once-a-second clock, forwarded to the active view
// (countdowns, the RTO clock).
type TickMsg time.Time
