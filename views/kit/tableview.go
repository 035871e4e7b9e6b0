package kit

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
)

// TableView is the shape every list screen shares: a title line with the
// feed's freshness, one table, and rows rebuilt from each snapshot. The
// screens differ in their columns and rows and in the optional hooks;
// they embed it and override what they do differently.
type TableView struct {
	C       Common
	Heading string
	Feed    backend.Feed
	Snap    backend.Snapshot
	Table   *table.Model
	Rows    func(backend.Snapshot) []table.Row
	// Open, when set, is what enter does on a row (a detail screen).
	Open func(backend.Snapshot, table.Row) tea.Cmd
	// HeadingFn, when set, renders the (styled) title from the snapshot.
	HeadingFn func(backend.Snapshot) string
	// Footer, when set, is a second feed shown under the table.
	Footer backend.Feed
	// ServiceRows: rows are services (the row key is the service name),
	// and logs and the fleet actions act on the selected one.
	ServiceRows bool
	// ServiceOf, when set, names the service a row is about (an alert's)
	// for logs and the fleet actions; "" when it names none, which the
	// keys then say instead of doing nothing.
	ServiceOf func(table.Row) string
	// RowKey, when set, handles the screen's own keys on the selected row
	// (silence an alert, restore a database); help lists RowHelp.
	RowKey  func(backend.Snapshot, table.Row, tea.KeyPressMsg) tea.Cmd
	RowHelp func() []key.Binding

	id            ID
	title         string
	width, height int
	rev           uint64 // snapshot revision the rows were built from; 0: none
}

// NewTableView is a list screen titled title (its tab label) under
// heading, whose freshness is feed's.
func NewTableView(c Common, title, heading string, feed backend.Feed, cols []table.Column, rows func(backend.Snapshot) []table.Row) *TableView {
	return &TableView{C: c, id: c.NewID(), title: title, Heading: heading, Feed: feed,
		Table: table.New(cols, c.Keys, TableStyles(c.Theme)), Rows: rows}
}

func (v *TableView) ID() ID          { return v.id }
func (v *TableView) Title() string   { return v.title }
func (v *TableView) Back() bool      { return v.Table.ClearFilter() }
func (v *TableView) Capturing() bool { return v.Table.Filtering() }

// Size is the screen's size (for screens that draw around the table).
func (v *TableView) Size() (int, int) { return v.width, v.height }

func (v *TableView) SetSize(w, h int) {
	v.width, v.height = w, h
	chrome := 1
	if v.Footer != "" {
		chrome++
	}
	v.Table.SetSize(w, max(h-chrome, 0))
}

func (v *TableView) ShortHelp() []key.Binding {
	k := v.C.Keys
	var out []key.Binding
	if v.Open != nil {
		out = append(out, k.Open)
	}
	if v.ServiceRows || v.ServiceOf != nil {
		out = append(append(out, k.Logs), k.Actions()...)
	}
	if v.RowHelp != nil {
		out = append(out, v.RowHelp()...)
	}
	return append(out, k.Filter, k.Sort, k.Reverse)
}

func (v *TableView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

// SetSnapshot keeps the rows when the fleet data has not changed (same
// Rev): an idle fleet's refreshes then cost nothing here. The heading and
// feed line still follow the new snapshot. Rev 0 (a snapshot not built by
// the poller) always rebuilds.
func (v *TableView) SetSnapshot(s backend.Snapshot) {
	same := s.Rev != 0 && s.Rev == v.rev
	v.Snap = s
	if !same {
		v.Rebuild()
	}
}

// Rebuild recomputes the rows from the current snapshot (after a change
// of screen state that the rows show, such as a mark).
func (v *TableView) Rebuild() {
	v.rev = v.Snap.Rev
	v.Table.SetRows(v.Rows(v.Snap))
}

func (v *TableView) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(ThemeMsg); ok {
		v.Table.SetStyles(TableStyles(v.C.Theme))
		v.Rebuild() // the cells' colours
		return nil
	}
	if handled, cmd := v.Table.Update(msg); handled {
		return cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	row, ok := v.Table.Selected()
	if !ok {
		return nil
	}
	if v.Open != nil && key.Matches(kp, v.C.Keys.Open) {
		return v.Open(v.Snap, row)
	}
	if v.ServiceRows {
		if cmd, ok := ServiceAction(v.C.Keys, row.Key, kp); ok {
			return cmd
		}
	}
	if v.ServiceOf != nil {
		svc := v.ServiceOf(row)
		if cmd, ok := ServiceAction(v.C.Keys, svc, kp); ok {
			if svc == "" {
				return Notify(LevelWarn, "this row names no service to act on")
			}
			return cmd
		}
	}
	if v.RowKey != nil {
		return v.RowKey(v.Snap, row, kp)
	}
	return nil
}

func (v *TableView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	title := v.C.Theme.Title.Render(v.Heading)
	if v.HeadingFn != nil {
		title = v.HeadingFn(v.Snap)
	}
	head := Spread(title, v.C.FeedLine(v.Snap, v.Feed), v.width)
	if v.height == 1 {
		return head
	}
	out := head + "\n" + v.Table.View()
	if v.Footer != "" {
		out += "\n" + FitLine(v.C.FeedLine(v.Snap, v.Footer), v.width)
	}
	return out
}
