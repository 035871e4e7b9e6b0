package views

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
)

// tableView is the shape every list screen shares: a title line with the
// feed's freshness, one table, and rows rebuilt from each snapshot. The
// screens differ only in their columns and rows.
type tableView struct {
	c           Common
	name, title string
	heading     string
	feed        backend.Feed
	snap        backend.Snapshot
	tbl         *table.Model
	rows        func(backend.Snapshot) []table.Row
	// open, when set, is what enter does on a row (a detail view).
	open          func(backend.Snapshot, table.Row) tea.Cmd
	width, height int
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
	v.tbl.SetSize(w, max(h-1, 0))
}

func (v *tableView) ShortHelp() []key.Binding {
	k := v.c.Keys
	if v.open != nil {
		return []key.Binding{k.Open, k.Filter, k.Sort, k.Reverse}
	}
	return []key.Binding{k.Filter, k.Sort, k.Reverse}
}

func (v *tableView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp()}
}

func (v *tableView) SetSnapshot(s backend.Snapshot) {
	v.snap = s
	v.tbl.SetRows(v.rows(s))
}

func (v *tableView) Update(msg tea.Msg) tea.Cmd {
	if handled, cmd := v.tbl.Update(msg); handled {
		return cmd
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && v.open != nil && key.Matches(kp, v.c.Keys.Open) {
		if row, ok := v.tbl.Selected(); ok {
			return v.open(v.snap, row)
		}
	}
	return nil
}

func (v *tableView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	head := spread(v.c.Theme.Title.Render(v.heading), v.c.feedLine(v.snap, v.feed), v.width)
	if v.height == 1 {
		return head
	}
	return head + "\n" + v.tbl.View()
}
