package incident

// TEMPORARY scaffold: the lead's UI work compiles against the Desk API
// while the Desk is built on another branch. Removed when it lands.

import (
	"context"
	"errors"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

var errScaffold = errors.New("scaffold")

type DeskConfig struct {
	Dir     string
	Tree    *drtree.Tree
	Backups backend.BackupAger
	Clock   func() time.Time
	Poll    time.Duration
}
type Desk struct{}
type Board struct {
	Incident *Incident
	Walk     *drtree.Walker
	Problem  string
	Awaiting string
	Backup   *BackupAge
	Rev      uint64
}
type BackupAge struct {
	Database string
	Newest   time.Time
	Err      error
	Checked  time.Time
}
type ReportFacts struct {
	Impact, Users, Cause string
	Items                []string
}

var ErrReadOnly, ErrMoved = errScaffold, errScaffold

func OpenDesk(cfg DeskConfig) (*Desk, error)                     { return &Desk{}, nil }
func (d *Desk) Board() Board                                     { return Board{} }
func (d *Desk) Subscribe(ctx context.Context) <-chan Board       { return nil }
func (d *Desk) Run(ctx context.Context)                          {}
func (d *Desk) OpenID() string                                   { return "" }
func (d *Desk) Start(a backend.Actor) (bool, error)              { return false, errScaffold }
func (d *Desk) Choose(a backend.Actor, node string, i int) error { return errScaffold }
func (d *Desk) Answer(a backend.Actor, node string, y bool) error {
	return errScaffold
}
func (d *Desk) AnswerLive(a backend.Actor, node string, s backend.Snapshot) error {
	return errScaffold
}
func (d *Desk) SetVar(a backend.Actor, name, value string) error  { return errScaffold }
func (d *Desk) Note(a backend.Actor, text string) error           { return errScaffold }
func (d *Desk) Tick(a backend.Actor, node string, item int) error { return errScaffold }
func (d *Desk) Complete(a backend.Actor, node string) error       { return errScaffold }
func (d *Desk) SkipWait(a backend.Actor, node string) error       { return errScaffold }
func (d *Desk) ActionByHand(a backend.Actor, node string, ok bool) error {
	return errScaffold
}
func (d *Desk) Undo(a backend.Actor) error                       { return errScaffold }
func (d *Desk) TickPostIncident(a backend.Actor, item int) error { return errScaffold }
func (d *Desk) WriteReport(a backend.Actor, f ReportFacts, path string) error {
	return errScaffold
}
func LiveProbe(s backend.Snapshot) drtree.Probe { return nil }
