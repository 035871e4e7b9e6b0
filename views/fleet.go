package views

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// Fleet is every service of every engine in one table with a host column:
// the view k9s and lazydocker lack (they show one context at a time).
// Service actions act on the selected row; enter opens its project.
type Fleet struct {
	c             Common
	snap          backend.Snapshot
	tbl           *table.Model
	width, height int
}

// NewFleet returns the fleet view.
func NewFleet(c Common) *Fleet {
	cols := []table.Column{
		{Title: "SERVICE", Width: 16, Flex: true},
		{Title: "PROJECT", Width: 10, Drop: 3},
		{Title: "HOST", Width: 8},
		{Title: "STATUS", Width: 7},
		{Title: "VERSION", Width: 8, Drop: 2},
		{Title: "RPS", Width: 6, Right: true},
		{Title: "ERR%", Width: 5, Right: true, Drop: 1},
		{Title: "P95", Width: 7, Right: true},
		{Title: "RESTARTS", Width: 8, Right: true, Drop: 4},
	}
	return &Fleet{c: c, tbl: table.New(cols, c.Keys, tableStyles(c.Theme))}
}

func (v *Fleet) Name() string    { return "fleet" }
func (v *Fleet) Title() string   { return "Fleet" }
func (v *Fleet) Back() bool      { return v.tbl.ClearFilter() }
func (v *Fleet) Capturing() bool { return v.tbl.Filtering() }

func (v *Fleet) SetSize(w, h int) {
	v.width, v.height = w, h
	v.tbl.SetSize(w, max(h-2, 0))
}

func (v *Fleet) ShortHelp() []key.Binding {
	k := v.c.Keys
	out := append([]key.Binding{k.Open, k.Logs}, k.Actions()...)
	return append(out, k.Filter, k.Sort, k.Reverse)
}

func (v *Fleet) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp()}
}

func (v *Fleet) SetSnapshot(s backend.Snapshot) {
	v.snap = s
	t := v.c.Theme
	rows := make([]table.Row, 0, len(s.Services))
	for _, svc := range s.Services {
		st, _ := s.Thresholds.Assess(svc)
		m := svc.Metrics
		rows = append(rows, table.Row{Key: svc.Name, Cells: []table.Cell{
			{Text: svc.Name},
			{Text: svc.Project},
			{Text: orDash(svc.Host)},
			{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true},
			{Text: orDash(svc.Version())},
			numCell(m.RPS, "%.1f"),
			numCell(m.ErrorRatePct, "%.2f"),
			numCell(m.P95MS, "%.0fms"),
			{Text: fmt.Sprint(svc.Restarts()), Num: float64(svc.Restarts()), IsNum: true},
		}})
	}
	v.tbl.SetRows(rows)
}

// numCell is a right-aligned figure that sorts numerically, missing last.
func numCell(val backend.Value, format string) table.Cell {
	return table.Cell{Text: num(val, format), Num: val.V, IsNum: val.Valid}
}

func (v *Fleet) Update(msg tea.Msg) tea.Cmd {
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
	if key.Matches(kp, v.c.Keys.Open) {
		if svc, ok := v.snap.Service(row.Key); ok {
			d := NewProject(v.c, svc.Project)
			return func() tea.Msg { return PushMsg{View: d} }
		}
	}
	if kind := actionFor(v.c.Keys, kp); kind != "" {
		return actionCmd(kind, row.Key)
	}
	return nil
}

func (v *Fleet) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	hosts := map[string]bool{}
	for _, s := range v.snap.Services {
		hosts[s.Host] = true
	}
	title := t.Title.Render("FLEET") + t.Subtle.Render(fmt.Sprintf(" · %s on %s", plural(len(v.snap.Services), "service"), plural(len(hosts), "host")))
	head := spread(title, v.c.feedLine(v.snap, backend.FeedInventory), v.width)
	if v.height == 1 {
		return head
	}
	return head + "\n" + v.tbl.View() + "\n" + fitLine(v.c.feedLine(v.snap, backend.FeedMetrics), v.width)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
