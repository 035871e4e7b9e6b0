package views

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// NewFleet is every service of every engine in one table with a host
// column: the view k9s and lazydocker lack (they show one context at a
// time). Logs and service actions act on the selected row; enter opens its
// project.
func NewFleet(c Common) View {
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
	v := newTableView(c, "fleet", "Fleet", "FLEET", backend.FeedInventory, cols, func(s backend.Snapshot) []table.Row {
		t := c.Theme
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
		return rows
	})
	v.footer = backend.FeedMetrics
	v.serviceActions = true
	v.open = func(s backend.Snapshot, row table.Row) tea.Cmd {
		svc, ok := s.Service(row.Key)
		if !ok {
			return nil
		}
		d := NewProject(c, svc.Project)
		return func() tea.Msg { return PushMsg{View: d} }
	}
	v.headingFn = func(s backend.Snapshot) string {
		hosts := map[string]bool{}
		for _, svc := range s.Services {
			hosts[svc.Host] = true
		}
		return c.Theme.Title.Render("FLEET") + c.Theme.Subtle.Render(fmt.Sprintf(" · %s on %s", plural(len(s.Services), "service"), plural(len(hosts), "host")))
	}
	return v
}

// numCell is a right-aligned figure that sorts numerically, missing last.
func numCell(val backend.Value, format string) table.Cell {
	return table.Cell{Text: num(val, format), Num: val.V, IsNum: val.Valid}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
