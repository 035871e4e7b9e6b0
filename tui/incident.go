package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/views"
)

// persistQueue is how incident changes reach the store: in the order the
// wizard made them, applied one at a time by a single goroutine, so the
// UI never waits for an fsync and no change overtakes another.
type persistQueue struct {
	in        chan views.IncidentChange
	results   chan persistResult
	drained   chan struct{}
	drainOnce sync.Once
}

type persistResult struct {
	err  error
	done string
}

// persistDoneMsg reports a change applied (or failed).
type persistDoneMsg persistResult

const persistBacklog = 1024

func newPersistQueue(store views.IncidentStore) *persistQueue {
	q := &persistQueue{
		in:      make(chan views.IncidentChange, persistBacklog),
		results: make(chan persistResult, 16),
		drained: make(chan struct{}),
	}
	go func() {
		defer close(q.drained)
		for p := range q.in {
			q.results <- persistResult{err: p.Apply(store), done: p.Done}
		}
	}()
	return q
}

// push queues a change without blocking; false when the backlog is full.
func (q *persistQueue) push(p views.IncidentChange) bool {
	select {
	case q.in <- p:
		return true
	default:
		return false
	}
}

func (q *persistQueue) wait() tea.Cmd {
	return func() tea.Msg {
		r, ok := <-q.results
		if !ok {
			return nil
		}
		return persistDoneMsg(r)
	}
}

// drain stops taking changes and waits until the queued ones are on disk,
// bounded so a broken disk cannot hold the exit forever.
// A second drain only waits.
func (q *persistQueue) drain(limit time.Duration) {
	q.drainOnce.Do(func() {
		close(q.in)
		go func() {
			for range q.results { // keep the worker from blocking on results
			}
		}()
	})
	select {
	case <-q.drained:
	case <-time.After(limit):
	}
}

// wizard is the incident tab.
func (m *Model) wizard() *views.Wizard {
	for _, v := range m.tabs {
		if w, ok := v.(*views.Wizard); ok {
			return w
		}
	}
	return nil
}

// queueChanges hands the wizard's changes to the store's queue.
func (m *Model) queueChanges(changes []views.IncidentChange) tea.Cmd {
	if m.persist == nil {
		return notify(levelError, "incident not saved: no incident store")
	}
	for _, c := range changes {
		if !m.persist.push(c) {
			return notify(levelError, "incident store is not keeping up: change not saved")
		}
	}
	return nil
}

// incidentMsg handles the wizard's requests and their answers; it reports
// whether msg was one of them.
func (m *Model) incidentMsg(msg tea.Msg) (tea.Cmd, bool) {
	w := m.wizard()
	switch msg := msg.(type) {
	case persistDoneMsg:
		var cmds []tea.Cmd
		if m.persist != nil {
			cmds = append(cmds, m.persist.wait())
		}
		switch {
		case msg.err != nil:
			cmds = append(cmds, notify(levelError, "incident not saved: "+msg.err.Error()))
		case msg.done != "":
			cmds = append(cmds, notify(levelInfo, msg.done))
		}
		return tea.Batch(cmds...), true
	case views.IncidentStartMsg:
		store, actor := m.opts.Incidents, m.opts.Actor.String()
		if store == nil {
			return notify(levelError, "incidents are not configured"), true
		}
		return func() tea.Msg {
			inc, err := store.Start(msg.Incident, actor)
			if errors.Is(err, incident.ErrOpenIncident) {
				// Opened meanwhile by another session: join it.
				if cur := store.Current(); cur != nil {
					return views.IncidentStartedMsg{Incident: cur, Joined: true}
				}
			}
			return views.IncidentStartedMsg{Incident: inc, Err: err}
		}, true
	case views.BackupAgeRequestMsg:
		ager, parent := m.opts.Backups, m.ctx
		if ager == nil {
			return func() tea.Msg {
				return views.BackupAgeMsg{Database: msg.Database, Err: errNoBackups}
			}, true
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(parent, backupTimeout)
			defer cancel()
			t, err := ager.NewestBackup(ctx, msg.Database)
			return views.BackupAgeMsg{Database: msg.Database, Newest: t, Err: err}
		}, true
	case views.SilencesRequestMsg:
		lister, parent, clock := m.opts.Silences, m.ctx, m.opts.Clock
		return func() tea.Msg {
			if lister == nil {
				return views.SilencesMsg{Err: constError("no Alertmanager configured (sources.alertmanager)"), At: clock()}
			}
			ctx, cancel := context.WithTimeout(parent, backupTimeout)
			defer cancel()
			ss, err := lister.Silences(ctx)
			return views.SilencesMsg{Silences: ss, Err: err, At: clock()}
		}, true
	case views.SilencesMsg:
		var cmds []tea.Cmd
		for _, v := range m.stack {
			if s, ok := v.(*views.Silences); ok {
				cmds = append(cmds, s.Update(msg))
			}
		}
		return tea.Batch(cmds...), true
	case views.IncidentStartedMsg, views.BackupAgeMsg:
		if w == nil {
			return nil, true
		}
		return w.Update(msg), true
	}
	return nil, false
}

const backupTimeout = 20 * time.Second

type constError string

func (e constError) Error() string { return string(e) }

const errNoBackups = constError("no backups configured for this database")
