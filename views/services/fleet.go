package services

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// FleetTab registers the fleet tab.
func FleetTab() kit.Tab {
	return kit.Tab{Name: "fleet", Title: "Fleet", Aliases: []string{"hosts", "all"}, New: NewFleet}
}

// NewFleet is every service of every engine in one table with a host
// column: the view k9s and lazydocker lack (they show one context at a
// time). Logs and service actions act on the selected row; enter opens its
// project.
func NewFleet(c kit.Common) kit.Screen {
	cols := []table.Column{
		{Title: "SERVICE", Width: 16, Flex: true},
		{Title: "PROJECT", Width: 10, Drop: 3, Fit: 30},
		{Title: "HOST", Width: 8, Fit: 30},
		{Title: "STATUS", Width: 7},
		{Title: "VERSION", Width: 8, Drop: 2},
		{Title: "RPS", Width: 6, Right: true},
		{Title: "ERR%", Width: 5, Right: true, Drop: 1},
		{Title: "P95", Width: 7, Right: true},
		{Title: "RESTARTS", Width: 8, Right: true, Drop: 4},
	}
	v := kit.NewTableView(c, "Fleet", "FLEET", backend.FeedInventory, cols, func(s backend.Snapshot) []table.Row {
		t := c.Theme
		rows := make([]table.Row, 0, len(s.Services))
		for _, svc := range s.Services {
			st, _ := s.Thresholds.Assess(svc)
			m := svc.Metrics
			rows = append(rows, table.Row{Key: svc.Name, Cells: []table.Cell{
				{Text: svc.Name},
				{Text: svc.Project},
				{Text: kit.OrDash(svc.Host)},
				{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true},
				{Text: kit.OrDash(svc.Version())},
				kit.NumCell(m.RPS, "%.1f"),
				kit.NumCell(m.ErrorRatePct, "%.2f"),
				kit.NumCell(m.P95MS, "%.0fms"),
				{Text: fmt.Sprint(svc.Restarts()), Num: float64(svc.Restarts()), IsNum: true},
			}})
		}
		return rows
	})
	v.Footer = backend.FeedMetrics
	v.ServiceRows = true
	v.Open = func(s backend.Snapshot, row table.Row) tea.Cmd {
		svc, ok := s.Service(row.Key)
		if !ok {
			return nil
		}
		d := NewProject(c, svc.Project)
		return kit.Push(d)
	}
	v.HeadingFn = func(s backend.Snapshot) string {
		hosts := map[string]bool{}
		for _, svc := range s.Services {
			hosts[svc.Host] = true
		}
		return c.Theme.Title.Render("FLEET") + c.Theme.Subtle.Render(fmt.Sprintf(" · %s on %s", kit.Plural(len(s.Services), "service"), kit.Plural(len(hosts), "host")))
	}
	return v
}
