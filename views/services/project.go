package services

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// Project is the detail of one project: a row per container with its
// image, version, state, health, start time and restarts, and the figures
// of the selected service. Service actions (logs, restart, ...) act on the
// selected row's service.
type Project struct {
	c             kit.Common
	id            kit.ID
	project       string
	snap          backend.Snapshot
	tbl           *table.Model
	width, height int
	// want is the service to select once the snapshot names its project
	// (ServiceCommand); "" once selected.
	want string
}

// ServiceCommand opens the project of a service with the service
// selected (":goto chat-backend", and enter on an alert's detail).
func ServiceCommand() kit.Command {
	return kit.Command{Name: "goto", Help: "go to a service: its project, the service selected (:goto NAME)",
		Open: func(c kit.Common, arg string) (kit.Screen, error) {
			if arg == "" {
				return nil, errors.New(":goto needs a service name, e.g. :goto chat-backend")
			}
			v := NewProject(c, "")
			v.want = arg
			return v, nil
		}}
}

// NewProject returns the detail view of a project.
func NewProject(c kit.Common, project string) *Project {
	cols := []table.Column{
		{Title: "SERVICE", Width: 14, Flex: true},
		{Title: "CONTAINER", Width: 16, Flex: true, Drop: 2},
		{Title: "HOST", Width: 8, Drop: 3},
		{Title: "VERSION", Width: 8},
		{Title: "STATE", Width: 10},
		{Title: "HEALTH", Width: 9, Drop: 1},
		{Title: "STARTED", Width: 7, Right: true},
		{Title: "RESTARTS", Width: 8, Right: true, Drop: 4},
	}
	return &Project{c: c, id: c.NewID(), project: project, tbl: table.New(cols, c.Keys, kit.TableStyles(c.Theme))}
}

func (v *Project) ID() kit.ID      { return v.id }
func (v *Project) Title() string   { return kit.Sanitize(v.project) }
func (v *Project) Back() bool      { return v.tbl.ClearFilter() }
func (v *Project) Capturing() bool { return v.tbl.Filtering() }

// figureLines is the height of the selected service's figures block.
const figureLines = 3

func (v *Project) SetSize(w, h int) {
	v.width, v.height = w, h
	v.tbl.SetSize(w, max(h-1-figureLines, 0))
}

func (v *Project) ShortHelp() []key.Binding {
	k := v.c.Keys
	out := append([]key.Binding{k.Logs}, k.Actions()...)
	return append(out, k.Filter, k.Back)
}

func (v *Project) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.Keys.Sort, v.c.Keys.Reverse}}
}

func (v *Project) services() []backend.Service {
	var out []backend.Service
	for _, s := range v.snap.Services {
		if s.Project == v.project {
			out = append(out, s)
		}
	}
	return out
}

func (v *Project) SetSnapshot(s backend.Snapshot) {
	v.snap = s
	if v.want != "" && v.project == "" {
		if svc, ok := s.Service(v.want); ok {
			v.project = svc.Project
		}
	}
	t := v.c.Theme
	now := v.c.Clock(s)
	var rows []table.Row
	for _, svc := range v.services() {
		if len(svc.Containers) == 0 {
			rows = append(rows, table.Row{Key: svc.Name + "/", Cells: []table.Cell{
				{Text: svc.Name}, {Text: "no container found", Style: t.Unknwn},
				{Text: kit.Dash}, {Text: kit.Dash}, {Text: "○ unknown", Style: t.Unknwn},
			}})
			continue
		}
		for _, c := range svc.Containers {
			stState := backend.StatusUp
			if c.State != backend.StateRunning {
				stState = backend.StatusDown
			}
			rows = append(rows, table.Row{Key: svc.Name + "/" + c.Name, Cells: []table.Cell{
				{Text: svc.Name},
				{Text: c.Name},
				{Text: kit.OrDash(c.Host)},
				{Text: kit.OrDash(c.Version)},
				{Text: theme.Dot(stState) + " " + string(c.State), Style: t.Status(stState)},
				{Text: string(c.Health), Style: t.Status(healthStatus(c.Health))},
				{Text: kit.Ago(now, c.StartedAt), Num: -float64(c.StartedAt.Unix()), IsNum: !c.StartedAt.IsZero()},
				{Text: fmt.Sprint(c.Restarts), Num: float64(c.Restarts), IsNum: true},
			}})
		}
	}
	v.tbl.SetRows(rows)
	if v.want != "" && v.tbl.Select(v.want+"/") {
		v.want = ""
	}
}

func healthStatus(h backend.Health) backend.Status {
	switch h {
	case backend.HealthHealthy:
		return backend.StatusUp
	case backend.HealthStarting:
		return backend.StatusWarn
	case backend.HealthUnhealthy:
		return backend.StatusDown
	}
	return backend.StatusUnknown
}

// selectedService is the service of the selected row.
func (v *Project) selectedService() (backend.Service, bool) {
	row, ok := v.tbl.Selected()
	if !ok {
		return backend.Service{}, false
	}
	name, _, _ := strings.Cut(row.Key, "/")
	return v.snap.Service(name)
}

func (v *Project) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(kit.ThemeMsg); ok {
		v.tbl.SetStyles(kit.TableStyles(v.c.Theme))
		v.SetSnapshot(v.snap) // the cells' colours
		return nil
	}
	if handled, cmd := v.tbl.Update(msg); handled {
		return cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if svc, ok := v.selectedService(); ok {
		cmd, _ := kit.ServiceAction(v.c.Keys, svc.Name, kp)
		return cmd
	}
	return nil
}

func (v *Project) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	if v.project == "" {
		msg := "no service named " + kit.Sanitize(v.want) + " in the fleet"
		if v.snap.At.IsZero() {
			msg = "waiting for the fleet…"
		}
		return kit.FitLine(t.Warn.Render(msg), v.width)
	}
	svcs := v.services()
	n := 0
	for _, s := range svcs {
		n += len(s.Containers)
	}
	title := t.Title.Render(strings.ToUpper(kit.Sanitize(v.project))) + t.Subtle.Render(fmt.Sprintf(" · %d services · %d containers", len(svcs), n))
	lines := []string{kit.Spread(title, v.c.FeedLine(v.snap, backend.FeedInventory), v.width)}
	if len(svcs) == 0 {
		lines = append(lines, t.Warn.Render(kit.FitLine(fmt.Sprintf("project %q is not in the fleet any more", v.project), v.width)))
		return strings.Join(lines, "\n")
	}
	lines = append(lines, v.tbl.View())
	lines = append(lines, v.figures()...)
	return strings.Join(lines, "\n")
}

// figures shows the selected service's metrics and what is wrong with it.
func (v *Project) figures() []string {
	t := v.c.Theme
	svc, ok := v.selectedService()
	if !ok {
		return nil
	}
	m := svc.Metrics
	st, why := v.snap.Thresholds.Assess(svc)
	head := t.Status(st).Render(theme.Dot(st)+" "+kit.Sanitize(svc.Name)) + "  " + t.Subtle.Render(kit.OrDash(kit.Sanitize(svc.HealthURL)))
	figs := fmt.Sprintf("rps %s · errors %s · p95 %s · avg %s · cpu %s · mem %s",
		kit.Num(m.RPS, "%.1f"), kit.Pct(m.ErrorRatePct), kit.Num(m.P95MS, "%.0f ms"), kit.Num(m.AvgLatencyMS, "%.0f ms"), kit.Pct(m.CPUPct), kit.Pct(m.MemPct))
	var texts []string
	for _, f := range why {
		texts = append(texts, kit.Sanitize(f.Text))
	}
	findings := t.OK.Render("no findings")
	if f := v.snap.Feed(backend.FeedMetrics); f.Err != "" || f.Stale {
		// Say why the figures are missing or old, not "no findings".
		findings = v.c.FeedLine(v.snap, backend.FeedMetrics)
	}
	if len(texts) > 0 {
		findings = t.Status(st).Render(strings.Join(texts, " · "))
	}
	return []string{
		kit.FitLine(head, v.width),
		kit.FitLine(figs, v.width),
		kit.FitLine(findings, v.width),
	}
}
