package views

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// Services is the seed's SERVICE STATUS table: one row per project with
// the status of its backend, web and landing components, uptime and last
// deploy. enter opens the project's containers.
type Services struct {
	c             Common
	snap          backend.Snapshot
	tbl           *table.Model
	width, height int
}

// NewServices returns the services view.
func NewServices(c Common) *Services {
	cols := []table.Column{
		{Title: "PROJECT", Width: 14, Flex: true},
		{Title: "BACKEND", Width: 8},
		{Title: "WEB", Width: 8},
		{Title: "LANDING", Width: 8},
		{Title: "UPTIME", Width: 7, Right: true},
		{Title: "LAST DEPLOY", Width: 16, Drop: 1},
	}
	return &Services{c: c, tbl: table.New(cols, c.Keys, tableStyles(c.Theme))}
}

func tableStyles(t *theme.Theme) table.Styles {
	return table.Styles{Header: t.TableHeader, Selected: t.Selected, Subtle: t.Subtle}
}

func (v *Services) Name() string    { return "services" }
func (v *Services) Title() string   { return "Services" }
func (v *Services) Back() bool      { return v.tbl.ClearFilter() }
func (v *Services) Capturing() bool { return v.tbl.Filtering() }

func (v *Services) SetSize(w, h int) {
	v.width, v.height = w, h
	v.tbl.SetSize(w, max(h-2, 0))
}

func (v *Services) ShortHelp() []key.Binding {
	k := v.c.Keys
	return []key.Binding{k.Open, k.Filter, k.Sort, k.Reverse}
}

func (v *Services) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp()}
}

// SetSnapshot rebuilds the rows; the selection stays on its project.
func (v *Services) SetSnapshot(s backend.Snapshot) {
	v.snap = s
	v.tbl.SetRows(v.rows())
}

func (v *Services) rows() []table.Row {
	type project struct {
		name     string
		comps    map[backend.Component]backend.Service
		uptime   backend.Value
		deployed backend.Service
	}
	var order []string
	byName := map[string]*project{}
	for _, svc := range v.snap.Services {
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
	t := v.c.Theme
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
			st, _ := v.snap.Thresholds.Assess(svc)
			cells = append(cells, table.Cell{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true})
		}
		cells = append(cells,
			table.Cell{Text: uptime(p.uptime), Num: p.uptime.V, IsNum: p.uptime.Valid},
			table.Cell{Text: stamp(p.deployed.LastDeploy), Num: float64(p.deployed.LastDeploy.Unix()), IsNum: !p.deployed.LastDeploy.IsZero()},
		)
		rows = append(rows, table.Row{Key: name, Cells: cells})
	}
	return rows
}

// uptime is shown like the seed ("100%"), with a decimal when below.
func uptime(v backend.Value) string {
	if !v.Valid {
		return dash
	}
	if v.V >= 99.995 {
		return "100%"
	}
	return fmt.Sprintf("%.2f%%", v.V)
}

// Update handles table keys and opens the project detail on enter.
func (v *Services) Update(msg tea.Msg) tea.Cmd {
	if handled, cmd := v.tbl.Update(msg); handled {
		return cmd
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, v.c.Keys.Open) {
		if row, ok := v.tbl.Selected(); ok {
			d := NewProject(v.c, row.Key)
			return func() tea.Msg { return PushMsg{View: d} }
		}
	}
	return nil
}

// View renders title, table and feed line.
func (v *Services) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	head := spread(t.Title.Render("SERVICE STATUS (by Project)"), v.c.feedLine(v.snap, backend.FeedInventory), v.width)
	if v.height == 1 {
		return head
	}
	return head + "\n" + v.tbl.View() + "\n" + fitLine(v.c.feedLine(v.snap, backend.FeedMetrics), v.width)
}
