package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views"
)

// Commands that read from the backends for a view, off the UI goroutine,
// each bounded by a timeout.

// fetchDeployHistory reads the audit log off the UI goroutine.
func (m *Model) fetchDeployHistory() tea.Cmd {
	read, parent := m.opts.AuditPairs, m.ctx
	if read == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, historyTimeout)
		defer cancel()
		pairs, err := read(ctx)
		return views.DeployHistoryMsg{Pairs: pairs, Err: err}
	}
}

const historyTimeout = 10 * time.Second

// runChecks runs every health check off the UI goroutine; each check is
// bounded by the checker's own timeout, the whole run by checksTimeout.
func (m *Model) runChecks() tea.Cmd {
	checker := m.opts.Checker
	if checker == nil {
		return func() tea.Msg { return views.ChecksDoneMsg{} }
	}
	parent := m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, checksTimeout)
		defer cancel()
		return views.ChecksDoneMsg{Results: checker.CheckAll(ctx)}
	}
}

const checksTimeout = 30 * time.Second

// fetchRange asks the range querier for the chart's series, bounded by a
// timeout; the answer goes back to the chart that asked.
func (m *Model) fetchRange(req views.RangeRequestMsg) tea.Cmd {
	q := m.opts.Ranges
	if q == nil {
		return func() tea.Msg {
			return views.RangeResultMsg{ID: req.ID, Err: errors.New("no metrics source for history")}
		}
	}
	parent, end := m.ctx, m.opts.Clock()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, rangeTimeout)
		defer cancel()
		series, err := q.P95Range(ctx, end.Add(-views.ChartRange), end, req.Step)
		return views.RangeResultMsg{ID: req.ID, Series: series, Err: err}
	}
}

const rangeTimeout = 15 * time.Second
