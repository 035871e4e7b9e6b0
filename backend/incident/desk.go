package incident

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// ErrReadOnly is matched by the error of an operation by an actor who may
// not act: the refusal is the desk's, whatever the screen offered.
var ErrReadOnly = errors.New("read-only: viewers cannot change the incident")

// ErrMoved is matched when an answer is for a node the walk has left
// (another engineer answered first): it is never applied to a question
// the engineer did not see.
var ErrMoved = errors.New("the walk moved on")

// ErrNoIncident is matched by an operation that needs an open incident
// when there is none (or the one shown was resolved meanwhile).
var ErrNoIncident = errors.New("no open incident")

// ErrNoBackups is the Board.Backup error when no BackupAger is configured.
var ErrNoBackups = errors.New("no backups configured for this database")

// DeskConfig is what a Desk works on.
type DeskConfig struct {
	Dir     string             // the incidents directory (<state dir>/incidents)
	Tree    *drtree.Tree       // the DR tree walked
	Backups backend.BackupAger // newest backup of a database (RPO at stake); may be nil
	Clock   func() time.Time   // nil: time.Now
	Poll    time.Duration      // how often Run looks for other processes' changes; 0: 500ms
	// Reports is where a report named without a directory is written
	// (<state dir>/reports); "" the working directory.
	Reports string
}

// BackupAge is the newest backup of the incident's database as last asked.
type BackupAge struct {
	Database string
	Newest   time.Time
	Err      error
	Checked  time.Time // zero: not answered yet
}

// Board is what a screen renders: the incident as the desk knows it. Each
// Board is the reader's own copy.
type Board struct {
	// Incident is the open incident; after it is resolved, the one just
	// resolved (until a new one starts); nil: none.
	Incident *Incident
	// Walk is a resumed copy of the incident's walk: mutating it changes
	// nothing. nil when there is no incident or its walk cannot resume.
	Walk *drtree.Walker
	// Problem is why the walk cannot be resumed (the tree changed), "".
	Problem string
	// Awaiting is the node whose action is running (started from this
	// process); compare it with Walk.Current().ID. "" none.
	Awaiting string
	// Backup is the newest backup of the incident's database; nil when
	// the incident names no database.
	Backup *BackupAge
	// Warning is a background change that could not be saved (an action's
	// outcome, the end of a wait) or a failed reload of the directory.
	Warning string
	// Rev increases with every board the desk publishes.
	Rev uint64
}

// Desk is the incident as a backend session: the walk of the DR tree, the
// timeline, the report facts, kept in a Store. One Desk serves every
// console of a process (every `opsdeck serve` session); Desks of other
// processes on the same directory see its changes through Run. Every
// operation is synchronous: lock, re-read, apply, save, publish.
type Desk struct {
	store *Store
	tree  *drtree.Tree
	// reports is where reports named without a directory go.
	reports string
	ager    backend.BackupAger
	clock   func() time.Time
	poll    time.Duration

	// refreshMu orders reading the store with publishing, so a board read
	// earlier is never published after a newer one.
	refreshMu sync.Mutex

	mu        sync.Mutex
	shown     string    // ID of the incident on the board, "" none
	inc       *Incident // the desk's copy of it; replaced, never modified
	incJSON   []byte    // inc as JSON, to tell a change from a re-read
	problem   string
	awaiting  string
	backup    *BackupAge
	saveErr   string // the last background save that failed, "" none
	reloadErr string
	rev       uint64
	subs      map[chan Board]struct{}
	wake      chan struct{} // Run looks again after a publish
}

// DefaultPoll is how often Run looks for other processes' changes.
const DefaultPoll = 500 * time.Millisecond

// OpenDesk opens the store at cfg.Dir and shows its open incident, if any.
func OpenDesk(cfg DeskConfig) (*Desk, error) {
	if cfg.Tree == nil {
		return nil, errors.New("incident: the desk needs a DR tree")
	}
	store, _, err := Open(cfg.Dir)
	if err != nil {
		return nil, err
	}
	d := &Desk{store: store, tree: cfg.Tree, ager: cfg.Backups, clock: cfg.Clock, poll: cfg.Poll, reports: cfg.Reports,
		subs: map[chan Board]struct{}{}, wake: make(chan struct{}, 1)}
	if d.clock == nil {
		d.clock = time.Now
	}
	if d.poll <= 0 {
		d.poll = DefaultPoll
	}
	d.refresh()
	return d, nil
}

func (d *Desk) now() time.Time { return d.clock().UTC() }

// Board is the current state, a copy.
func (d *Desk) Board() Board {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.boardLocked()
}

// Subscribe delivers boards, latest wins: a reader that falls behind gets
// the newest and never holds the desk up. The first value is the current
// board; the channel is closed when ctx ends.
func (d *Desk) Subscribe(ctx context.Context) <-chan Board {
	ch := make(chan Board, 1)
	d.mu.Lock()
	ch <- d.boardLocked()
	d.subs[ch] = struct{}{}
	d.mu.Unlock()
	context.AfterFunc(ctx, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		delete(d.subs, ch)
		close(ch)
	})
	return ch
}

// OpenID is the ID of the open incident, "" when none (stamped on audit
// entries).
func (d *Desk) OpenID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inc == nil || !d.inc.Open() {
		return ""
	}
	return d.inc.ID
}

// boardLocked builds a reader's own copy. Called with d.mu held.
func (d *Desk) boardLocked() Board {
	b := Board{Problem: d.problem, Awaiting: d.awaiting, Rev: d.rev}
	var warn []string
	for _, w := range []string{d.saveErr, d.reloadErr} {
		if w != "" {
			warn = append(warn, w)
		}
	}
	b.Warning = strings.Join(warn, "; ")
	if d.inc == nil {
		return b
	}
	b.Incident = clone(d.inc)
	if w, err := d.walkOf(b.Incident); err == nil {
		b.Walk = w
	}
	if db := b.Incident.Walk.Vars["database"]; db != "" {
		b.Backup = &BackupAge{Database: db}
		if d.backup != nil && d.backup.Database == db {
			*b.Backup = *d.backup
		}
	}
	return b
}

// refresh takes the store's view of the incident shown (the open one, or
// the one just resolved) and publishes it when it changed.
func (d *Desk) refresh() {
	d.refreshMu.Lock()
	defer d.refreshMu.Unlock()
	d.mu.Lock()
	shown := d.shown
	d.mu.Unlock()
	inc := d.store.Current()
	if inc == nil && shown != "" {
		inc, _ = d.store.Get(shown) // nil when it was removed
	}
	var data []byte
	if inc != nil {
		var err error
		if data, err = json.Marshal(inc); err != nil {
			panic("incident: " + err.Error()) // only plain data: cannot happen
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if bytes.Equal(data, d.incJSON) && (inc == nil) == (d.inc == nil) {
		return
	}
	d.inc, d.incJSON, d.shown, d.problem = inc, data, "", ""
	if inc != nil {
		d.shown = inc.ID
		if _, err := d.walkOf(inc); err != nil {
			d.problem = strings.TrimPrefix(err.Error(), "drtree: ")
		}
	}
	d.publishLocked()
}

// publishLocked hands every subscriber a new board. Called with d.mu held.
func (d *Desk) publishLocked() {
	d.rev++
	for ch := range d.subs {
		select { // drop the board it has not read: latest wins
		case <-ch:
		default:
		}
		select { // only the desk sends, so there is room now
		case ch <- d.boardLocked():
		default:
		}
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// walkOf resumes an incident's walk; one never walked starts at the root.
func (d *Desk) walkOf(inc *Incident) (*drtree.Walker, error) {
	if inc.Walk.Node == "" {
		return d.tree.Start(inc.Started), nil
	}
	return d.tree.Resume(inc.Walk)
}
