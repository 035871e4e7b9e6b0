package services

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// Tab registers the services (by project) tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "services", Title: "Services", Aliases: []string{"svc", "s"}, New: NewServices}
}

// NewServices is the seed's SERVICE STATUS table: one row per project with
// the status of its backend, web and landing components, uptime and last
// deploy. enter opens the project's containers.
func NewServices(c kit.Common) kit.Screen {
	cols := []table.Column{
		{Title: "PROJECT", Width: 14, Flex: true},
		{Title: "BACKEND", Width: 8},
		{Title: "WEB", Width: 8},
		{Title: "LANDING", Width: 8},
		{Title: "UPTIME", Width: 7, Right: true},
		{Title: "LAST DEPLOY", Width: 16, Drop: 1},
	}
	v := kit.NewTableView(c, "Services", "SERVICE STATUS (by Project)", backend.FeedInventory, cols,
		func(s backend.Snapshot) []table.Row { return projectRows(s, c.Theme) })
	v.Footer = backend.FeedMetrics
	v.Open = func(_ backend.Snapshot, row table.Row) tea.Cmd {
		d := NewProject(c, row.Key)
		return kit.Push(d)
	}
	return v
}

// projectRows builds one row per project, in fleet order.
func projectRows(s backend.Snapshot, t *theme.Theme) []table.Row {
	type project struct {
		name     string
		comps    map[backend.Component]backend.Service
		uptime   backend.Value
		deployed backend.Service
	}
	var order []string
	byName := map[string]*project{}
	for _, svc := range s.Services {
		p := byName[svc.Project]
		if p == nil {
			p = &project{name: svc.Project, comps: map[backend.Component]backend.Service{}}
			byName[svc.Project] = p
			order = append(order, svc.Project)
		}
		p.comps[svc.Component] = svc
		// A project is as available as its least available component.
		if svc.UptimePct.Valid && (!p.uptime.Valid || svc.UptimePct.V < p.uptime.V) {
			p.uptime = svc.UptimePct
		}
		if svc.LastDeploy.After(p.deployed.LastDeploy) {
			p.deployed = svc
		}
	}
	rows := make([]table.Row, 0, len(order))
	for _, name := range order {
		p := byName[name]
		cells := []table.Cell{{Text: name}}
		for _, comp := range backend.Components {
			svc, ok := p.comps[comp]
			if !ok {
				cells = append(cells, table.Cell{Text: "-", Style: t.Subtle, Num: -1, IsNum: true})
				continue
			}
			st, _ := s.Thresholds.Assess(svc)
			cells = append(cells, table.Cell{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true})
		}
		cells = append(cells,
			table.Cell{Text: uptime(p.uptime), Num: p.uptime.V, IsNum: p.uptime.Valid},
			table.Cell{Text: kit.Stamp(p.deployed.LastDeploy), Num: float64(p.deployed.LastDeploy.Unix()), IsNum: !p.deployed.LastDeploy.IsZero()},
		)
		rows = append(rows, table.Row{Key: name, Cells: cells})
	}
	return rows
}

// uptime is shown like the seed ("100%"), with a decimal when below.
func uptime(v backend.Value) string {
	if !v.Valid {
		return kit.Dash
	}
	if v.V >= 99.995 {
		return "100%"
	}
	return fmt.Sprintf("%.2f%%", v.V)
}
