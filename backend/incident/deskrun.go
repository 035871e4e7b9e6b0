package incident

import (
	"context"
	"errors"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

const (
	// backupRecheck is how often the newest backup of the incident's
	// database (read over SSH) is asked again while the incident is open.
	backupRecheck = time.Minute
	// backupTimeout bounds one such question.
	backupTimeout = 20 * time.Second
)

// systemActor is who ends a wait whose time is up.
func systemActor() backend.Actor { return backend.Actor{User: "opsdeck", Role: backend.RoleOperator} }

// Run keeps the desk current until ctx ends; run it once per desk. Every
// Poll it brings in other processes' changes (one stat of the directory
// when there are none) and ends a wait whose time is up; it asks for the
// newest backup of the incident's database as soon as the incident names
// one, then once a minute, without holding up the rest.
func (d *Desk) Run(ctx context.Context) {
	tick := time.NewTicker(d.poll)
	defer tick.Stop()
	answers := make(chan BackupAge, 1) // one question at a time: never blocks its sender
	asking := false
	asked := map[string]time.Time{} // database → when last asked
	askIfDue := func() {
		if asking {
			return
		}
		if db, ok := d.backupDue(asked); ok {
			asking = true
			go func() { answers <- d.askBackup(ctx, db) }()
		}
	}
	askIfDue()
	d.endWait()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			d.sync()
			d.endWait()
			askIfDue()
		case <-d.wake: // something was published: maybe a database named
			askIfDue()
		case b := <-answers:
			asking = false
			d.setBackup(b)
		}
	}
}

// sync brings in what other processes changed.
func (d *Desk) sync() {
	changed, err := d.store.Reload()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	d.mu.Lock()
	if msg != d.reloadErr {
		d.reloadErr = msg
		d.publishLocked()
	}
	d.mu.Unlock()
	if changed {
		d.refresh()
	}
}

// endWait completes the current wait node when its time is up. Another
// process may have done it first: its ErrMoved is the expected outcome.
func (d *Desk) endWait() {
	d.mu.Lock()
	node := ""
	if inc := d.inc; inc != nil && inc.Open() && d.problem == "" {
		n := d.tree.Node(inc.Walk.Node)
		if n != nil && n.Kind == drtree.KindWait && !d.now().Before(inc.Walk.Entered.Add(n.For)) {
			node = n.ID
		}
	}
	d.mu.Unlock()
	if node == "" {
		return
	}
	err := d.step(systemActor(), node, func(w *drtree.Walker, by string, at time.Time) error { return w.WaitDone(by, at) })
	if errors.Is(err, ErrMoved) {
		err = nil
	}
	d.mu.Lock()
	d.noteSave(err, "the end of the wait")
	d.mu.Unlock()
}

// backupDue names the database to ask about now, if any: the open
// incident's, not asked within backupRecheck.
func (d *Desk) backupDue(asked map[string]time.Time) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inc == nil || !d.inc.Open() {
		return "", false
	}
	db := d.inc.Walk.Vars["database"]
	if db == "" {
		return "", false
	}
	now := d.now()
	if t, ok := asked[db]; ok && now.Sub(t) < backupRecheck {
		return "", false
	}
	asked[db] = now
	return db, true
}

func (d *Desk) askBackup(ctx context.Context, db string) BackupAge {
	if d.ager == nil {
		return BackupAge{Database: db, Err: ErrNoBackups, Checked: d.now()}
	}
	ctx, cancel := context.WithTimeout(ctx, backupTimeout)
	defer cancel()
	t, err := d.ager.NewestBackup(ctx, db)
	return BackupAge{Database: db, Newest: t, Err: err, Checked: d.now()}
}

func (d *Desk) setBackup(b BackupAge) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.backup = &b
	d.publishLocked()
}

// noteSave keeps the failure of a background save for the board (a
// resolved incident is not one: there was nothing left to stamp), and
// clears it once one succeeds. Called with d.mu held.
func (d *Desk) noteSave(err error, what string) {
	msg := ""
	if err != nil && !errors.Is(err, ErrNoIncident) {
		msg = what + " is not saved: " + err.Error()
	}
	if msg != d.saveErr {
		d.saveErr = msg
		d.publishLocked()
	}
}
