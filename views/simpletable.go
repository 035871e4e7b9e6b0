package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
)

// tableView is the shape every list screen shares: a title line with the
// feed's freshness, one table, and rows rebuilt from each snapshot. The
// screens differ in their columns and rows and in the optional hooks.
type tableView struct {
	c           Common
	name, title string
	heading     string
	feed        backend.Feed
	snap        backend.Snapshot
	tbl         *table.Model
	rows        func(backend.Snapshot) []table.Row
	// open, when set, is what enter does on a row (a detail view).
	open func(backend.Snapshot, table.Row) tea.Cmd
	// headingFn, when set, renders the (styled) title from the snapshot.
	headingFn func(backend.Snapshot) string
	// footer, when set, is a second feed shown under the table.
	footer backend.Feed
	// serviceActions: rows are services, and logs and the fleet actions
	// act on the selected one (the row key is the service name).
	serviceActions bool
	// rowKey, when set, handles the view's own keys on the selected row
	// (silence an alert, restore a database); help lists rowHelp.
	rowKey        func(backend.Snapshot, table.Row, tea.KeyPressMsg) tea.Cmd
	rowHelp       func() []key.Binding
	width, height int
	rev           uint64 // snapshot revision the rows were built from; 0: none
}

func newTableView(c Common, name, title, heading string, feed backend.Feed, cols []table.Column, rows func(backend.Snapshot) []table.Row) *tableView {
	return &tableView{c: c, name: name, title: title, heading: heading, feed: feed,
		tbl: table.New(cols, c.Keys, tableStyles(c.Theme)), rows: rows}
}

func (v *tableView) Name() string    { return v.name }
func (v *tableView) Title() string   { return v.title }
func (v *tableView) Back() bool      { return v.tbl.ClearFilter() }
func (v *tableView) Capturing() bool { return v.tbl.Filtering() }

func (v *tableView) SetSize(w, h int) {
	v.width, v.height = w, h
	chrome := 1
	if v.footer != "" {
		chrome++
	}
	v.tbl.SetSize(w, max(h-chrome, 0))
}

func (v *tableView) ShortHelp() []key.Binding {
	k := v.c.Keys
	var out []key.Binding
	if v.open != nil {
		out = append(out, k.Open)
	}
	if v.serviceActions {
		out = append(append(out, k.Logs), k.Actions()...)
	}
	if v.rowHelp != nil {
		out = append(out, v.rowHelp()...)
	}
	return append(out, k.Filter, k.Sort, k.Reverse)
}

func (v *tableView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp()}
}

// SetSnapshot keeps the rows when the fleet data has not changed (same
// Rev): an idle fleet's refreshes then cost nothing here. The heading and
// feed line still follow the new snapshot. Rev 0 (a snapshot not built by
// the poller) always rebuilds.
func (v *tableView) SetSnapshot(s backend.Snapshot) {
	same := s.Rev != 0 && s.Rev == v.rev
	v.snap = s
	if !same {
		v.rebuild()
	}
}

// rebuild recomputes the rows from the current snapshot (after a change
// of view state that the rows show, such as a mark).
func (v *tableView) rebuild() {
	v.rev = v.snap.Rev
	v.tbl.SetRows(v.rows(v.snap))
}

func (v *tableView) Update(msg tea.Msg) tea.Cmd {
	if handled, cmd := v.tbl.Update(msg); handled {
		return cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	row, ok := v.tbl.Selected()
	if !ok {
		return nil
	}
	if v.open != nil && key.Matches(kp, v.c.Keys.Open) {
		return v.open(v.snap, row)
	}
	if kind := actionFor(v.c.Keys, kp); v.serviceActions && kind != "" {
		return actionCmd(kind, row.Key)
	}
	if v.rowKey != nil {
		return v.rowKey(v.snap, row, kp)
	}
	return nil
}

func (v *tableView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	title := v.c.Theme.Title.Render(v.heading)
	if v.headingFn != nil {
		title = v.headingFn(v.snap)
	}
	head := spread(title, v.c.feedLine(v.snap, v.feed), v.width)
	if v.height == 1 {
		return head
	}
	out := head + "\n" + v.tbl.View()
	if v.footer != "" {
		out += "\n" + fitLine(v.c.feedLine(v.snap, v.footer), v.width)
	}
	return out
}
