package views

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// NewAlerts is the seed's ACTIVE ALERTS: severity, service, summary, state
// and since, firing before pending, newest first (the snapshot's order).
func NewAlerts(c Common) View {
	v := newAlertsTable(c)
	find := func(s backend.Snapshot, row table.Row) (backend.Alert, bool) {
		for i, a := range s.Alerts {
			if alertKey(a, i) == row.Key {
				return a, true
			}
		}
		return backend.Alert{}, false
	}
	v.open = func(s backend.Snapshot, row table.Row) tea.Cmd {
		if a, ok := find(s, row); ok {
			d := &AlertDetail{c: c, alert: a}
			return func() tea.Msg { return PushMsg{View: d} }
		}
		return nil
	}
	v.rowKey = func(s backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
		if a, ok := find(s, row); ok && key.Matches(kp, c.Keys.Silence) {
			return silenceCmd(a)
		}
		return nil
	}
	v.rowHelp = func() []key.Binding { return enabled(c.Keys.Silence) }
	return v
}

// silenceCmd asks to silence alerts like a: same alert name and, when the
// alert names one, the same service.
func silenceCmd(a backend.Alert) tea.Cmd {
	params := map[string]string{"match.alertname": a.Name}
	if a.Labels["alertname"] != "" {
		params["match.alertname"] = a.Labels["alertname"]
	}
	for _, l := range []string{"service", "job", "instance"} {
		if v := a.Labels[l]; v != "" {
			params["match."+l] = v
			break
		}
	}
	return func() tea.Msg {
		return ActionMsg{Kind: ActionSilence, Service: params["match.alertname"], Params: params}
	}
}

// enabled keeps the bindings read-only mode has not switched off.
func enabled(bs ...key.Binding) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

func alertKey(a backend.Alert, i int) string { return fmt.Sprintf("%s/%s/%d", a.Name, a.Service, i) }

func newAlertsTable(c Common) *tableView {
	t := c.Theme
	cols := []table.Column{
		{Title: "SEVERITY", Width: 10},
		{Title: "SERVICE", Width: 16},
		{Title: "SUMMARY", Width: 20, Flex: true},
		{Title: "STATE", Width: 7, Drop: 1},
		{Title: "SINCE", Width: 8, Right: true},
	}
	return newTableView(c, "alerts", "Alerts", "ACTIVE ALERTS", backend.FeedAlerts, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Alerts))
		for i, a := range s.Alerts {
			st := severityStatus(a.Severity)
			rows = append(rows, table.Row{Key: alertKey(a, i), Cells: []table.Cell{
				{Text: severityGlyph(a.Severity) + " " + strings.ToUpper(string(a.Severity)), Style: t.Status(st), Num: float64(-backend.SeverityRank(a.Severity)), IsNum: true},
				{Text: orDash(a.Service)},
				{Text: a.Summary},
				{Text: string(a.State)},
				{Text: clock(a.Since), Num: float64(a.Since.Unix()), IsNum: true},
			}})
		}
		return rows
	})
}

// NewDatabases is the seed's DATABASE PERFORMANCE: connections used / max
// as a bar, average query time, slow queries and cache hit rate, coloured
// against the pool threshold; a pool near its limit is a warning.
func NewDatabases(c Common) View {
	t := c.Theme
	cols := []table.Column{
		{Title: "DATABASE", Width: 12, Flex: true},
		{Title: "STATUS", Width: 7},
		{Title: "CONNECTIONS", Width: 18},
		{Title: "QUERY AVG", Width: 9, Right: true},
		{Title: "SLOW", Width: 5, Right: true, Drop: 1},
		{Title: "CACHE HIT", Width: 9, Right: true},
	}
	v := newTableView(c, "databases", "DBs", "DATABASE PERFORMANCE", backend.FeedDatabases, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Databases))
		for _, db := range s.Databases {
			st := s.Thresholds.PoolStatus(db)
			use := dash
			var frac float64
			if db.Connections.Valid && db.MaxConnections.Valid && db.MaxConnections.V > 0 {
				frac = db.Connections.V / db.MaxConnections.V
				use = fmt.Sprintf("%s %2.0f/%.0f", bar(frac, 8), db.Connections.V, db.MaxConnections.V)
			}
			rows = append(rows, table.Row{Key: db.Name, Cells: []table.Cell{
				{Text: db.Name},
				{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true},
				{Text: use, Style: t.Status(st), Num: frac, IsNum: db.Connections.Valid},
				numCell(db.AvgQueryMS, "%.0f ms"),
				numCell(db.SlowQueries, "%.0f"),
				{Text: pct1(db.CacheHitPct), Num: db.CacheHitPct.V, IsNum: db.CacheHitPct.Valid},
			}})
		}
		return rows
	})
	k := c.Keys
	// The DR steps of a database: restore it from a dump, and stop / start
	// the services that use it (the seed's "stop affected services").
	v.rowKey = func(_ backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
		db := row.Key
		switch {
		case key.Matches(kp, k.Restore):
			return func() tea.Msg { return ActionMsg{Kind: ActionRestore, Service: db} }
		case key.Matches(kp, k.Stop), key.Matches(kp, k.Start):
			kind := ActionStop
			if key.Matches(kp, k.Start) {
				kind = ActionStart
			}
			svcs := c.DBServices[db]
			if len(svcs) == 0 {
				return func() tea.Msg {
					return ActionMsg{Kind: kind, Service: db, Params: map[string]string{"services": ""}}
				}
			}
			return func() tea.Msg {
				return ActionMsg{Kind: kind, Service: db, Params: map[string]string{"services": strings.Join(svcs, ",")}}
			}
		}
		return nil
	}
	v.rowHelp = func() []key.Binding {
		return enabled(withHelp(k.Restore, "restore from a dump"), withHelp(k.Stop, "stop its services"), withHelp(k.Start, "start its services"))
	}
	return v
}

// withHelp is b with another description (the same key means "stop the
// services of this database" on the databases screen).
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// NewDependencies is the seed's EXTERNAL DEPENDENCIES: status, latency,
// success rate and last check.
func NewDependencies(c Common) View {
	t := c.Theme
	cols := []table.Column{
		{Title: "SERVICE", Width: 18, Flex: true},
		{Title: "STATUS", Width: 7},
		{Title: "LATENCY", Width: 8, Right: true},
		{Title: "SUCCESS", Width: 8, Right: true},
		{Title: "LAST CHECK", Width: 10, Right: true},
	}
	return newTableView(c, "dependencies", "Deps", "EXTERNAL DEPENDENCIES", backend.FeedDependencies, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Dependencies))
		for _, d := range s.Dependencies {
			st := backend.StatusUp
			if !d.Up {
				st = backend.StatusDown
			}
			rows = append(rows, table.Row{Key: d.Name, Cells: []table.Cell{
				{Text: d.Name},
				{Text: theme.Dot(st) + " " + theme.Word(st), Style: t.Status(st), Num: float64(st), IsNum: true},
				numCell(d.LatencyMS, "%.0f ms"),
				{Text: pct1(d.SuccessPct), Num: d.SuccessPct.V, IsNum: d.SuccessPct.Valid},
				{Text: clock(d.CheckedAt), Num: float64(d.CheckedAt.Unix()), IsNum: !d.CheckedAt.IsZero()},
			}})
		}
		return rows
	})
}

// NewResources is the seed's RESOURCE UTILIZATION as a table of consumers:
// CPU and memory per service with bars, sorted by CPU, coloured against
// the CPU and memory limits.
func NewResources(c Common) View {
	t := c.Theme
	cols := []table.Column{
		{Title: "SERVICE", Width: 16, Flex: true},
		{Title: "HOST", Width: 8, Drop: 2},
		{Title: "CPU", Width: 17},
		{Title: "MEMORY", Width: 17},
		{Title: "MEM USED", Width: 9, Right: true, Drop: 1},
	}
	v := newTableView(c, "resources", "Resources", "RESOURCE UTILIZATION (top consumers)", backend.FeedMetrics, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Services))
		for _, svc := range s.Services {
			m := svc.Metrics
			cpuSt := backend.Level(m.CPUPct, s.Thresholds.CPUPct)
			memSt := backend.Level(m.MemPct, s.Thresholds.MemoryPct)
			rows = append(rows, table.Row{Key: svc.Name, Cells: []table.Cell{
				{Text: svc.Name},
				{Text: orDash(svc.Host)},
				{Text: gauge(m.CPUPct), Style: t.Status(cpuSt), Num: m.CPUPct.V, IsNum: m.CPUPct.Valid},
				{Text: gauge(m.MemPct), Style: t.Status(memSt), Num: m.MemPct.V, IsNum: m.MemPct.Valid},
				{Text: bytesText(m.MemBytes), Num: m.MemBytes.V, IsNum: m.MemBytes.Valid},
			}})
		}
		return rows
	})
	v.tbl.SetSort(2, true) // the hogs first
	return v
}

// bar draws frac (0..1) as a block bar of w cells.
func bar(frac float64, w int) string {
	n := int(frac*float64(w) + 0.5)
	n = min(max(n, 0), w)
	return "[" + strings.Repeat("█", n) + strings.Repeat("░", w-n) + "]"
}

// gauge is a percentage as the seed draws it: "[████░░░░░░] 45%".
func gauge(v backend.Value) string {
	if !v.Valid {
		return dash
	}
	return fmt.Sprintf("%s %3.0f%%", bar(v.V/100, 10), v.V)
}

// pct1 is a rate shown to one decimal, like the seed's 98.5%.
func pct1(v backend.Value) string { return num(v, "%.1f%%") }

func bytesText(v backend.Value) string {
	if !v.Valid {
		return dash
	}
	const mib = 1 << 20
	if v.V >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", v.V/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", v.V/mib)
}
