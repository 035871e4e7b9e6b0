package latency

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// Latency is one row per service: a sparkline of p95 over the last hour
// and the current p95 against the target, coloured by the threshold.
// space marks services; enter opens the 24-hour chart of the marked ones
// (or of the selected one).
type Latency struct {
	*kit.TableView
	marked  map[string]bool
	target  time.Duration
	keyMark key.Binding
}

// Tab registers the latency tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "latency", Title: "Latency", Aliases: []string{"lat", "p95"},
		New: func(c kit.Common) kit.Screen { return New(c) }}
}

// New returns the latency screen.
func New(c kit.Common) *Latency {
	l := &Latency{marked: map[string]bool{},
		keyMark: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark for the chart"))}
	l.TableView = newLatencyTable(c, l)
	l.ServiceRows = true // l, r, R, s and S on the selected service
	return l
}

func (l *Latency) ShortHelp() []key.Binding {
	return append([]key.Binding{l.C.Keys.Open, l.keyMark}, l.TableView.ShortHelp()...)
}

func (l *Latency) FullHelp() [][]key.Binding { return [][]key.Binding{l.ShortHelp()} }

func (l *Latency) SetSnapshot(s backend.Snapshot) {
	l.target = s.Thresholds.P95Target
	l.TableView.SetSnapshot(s)
}

func (l *Latency) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || l.Table.Filtering() {
		return l.TableView.Update(msg)
	}
	row, selected := l.Table.Selected()
	switch {
	case key.Matches(kp, l.keyMark) && selected:
		l.marked[row.Key] = !l.marked[row.Key]
		l.Rebuild() // redraw the mark
		return nil
	case key.Matches(kp, l.C.Keys.Open) && selected:
		var names []string
		for _, svc := range l.Snap.Services { // in fleet order
			if l.marked[svc.Name] {
				names = append(names, svc.Name)
			}
		}
		if len(names) == 0 {
			names = []string{row.Key}
		}
		return kit.Push(NewChart(l.C, names, l.target))
	}
	return l.TableView.Update(msg)
}

func newLatencyTable(c kit.Common, l *Latency) *kit.TableView {
	t := c.Theme
	cols := []table.Column{
		{Title: "  SERVICE", Width: 18},
		{Title: "P95 · LAST HOUR", Width: 20, Flex: true, KeepEnd: true},
		{Title: "P95", Width: 7, Right: true},
		{Title: "TARGET", Width: 7, Right: true, Drop: 1},
		{Title: "STATUS", Width: 7},
	}
	return kit.NewTableView(c, "Latency", "RESPONSE TIME (p95)", backend.FeedMetrics, cols, func(s backend.Snapshot) []table.Row {
		target := float64(s.Thresholds.P95Target.Milliseconds())
		rows := make([]table.Row, 0, len(s.Services))
		for _, svc := range s.Services {
			p95 := svc.Metrics.P95MS
			st := backend.Level(p95, s.Thresholds.P95())
			spark := sparkline(svc.P95History.Points, target, 60)
			if !p95.Valid && !svc.Running() && len(svc.Containers) > 0 {
				// Not "no data": it serves nothing because it is down.
				st = backend.StatusDown
				spark = "DOWN · " + downWhy(svc)
			}
			mark := "  "
			if l.marked[svc.Name] {
				mark = "✓ "
			}
			rows = append(rows, table.Row{Key: svc.Name, Cells: []table.Cell{
				{Text: mark + svc.Name},
				{Text: spark, Style: t.Status(st)},
				kit.NumCell(p95, "%.0fms"),
				{Text: kit.Num(backend.Some(target), "%.0fms"), Style: t.Subtle},
				{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true},
			}})
		}
		return rows
	})
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// downWhy is the state of the service's first container not running
// ("exited", "restarting") or "unhealthy".
func downWhy(svc backend.Service) string {
	for _, c := range svc.Containers {
		if c.State != backend.StateRunning {
			return string(c.State)
		}
	}
	return "unhealthy"
}

// sparkline draws the newest n points between the series' lowest value
// and the larger of its highest and the target, followed by that scale
// ("▁▃▅█ 80–500ms"): the trend is visible, a bar at the top means "at or
// over target", and what a bar is worth can be read off.
func sparkline(points []backend.Value, target float64, n int) string {
	if len(points) > n {
		points = points[len(points)-n:]
	}
	lo, hi := target, target
	seen := false
	for _, p := range points {
		if p.Valid {
			if !seen {
				lo, seen = p.V, true
			}
			lo, hi = min(lo, p.V), max(hi, p.V)
		}
	}
	if !seen {
		return kit.Dash
	}
	var b strings.Builder
	for _, p := range points {
		if !p.Valid {
			b.WriteByte(' ')
			continue
		}
		i := 0
		if hi > lo {
			i = int((p.V - lo) / (hi - lo) * float64(len(sparks)-1))
		}
		b.WriteRune(sparks[min(max(i, 0), len(sparks)-1)])
	}
	return b.String() + fmt.Sprintf(" %.0f–%.0fms", lo, hi)
}
