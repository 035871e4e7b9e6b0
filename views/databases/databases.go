package databases

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Tab registers the databases tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "databases", Title: "DBs", Aliases: []string{"db", "dbs", "pg"}, New: New}
}

// New is the seed's DATABASE PERFORMANCE: connections used / max
// as a bar, average query time, slow queries and cache hit rate, coloured
// against the pool threshold; a pool near its limit is a warning.
func New(c kit.Common) kit.Screen {
	t := c.Theme
	cols := []table.Column{
		{Title: "DATABASE", Width: 12, Flex: true},
		{Title: "STATUS", Width: 7},
		{Title: "CONNECTIONS", Width: 18},
		{Title: "QUERY AVG", Width: 9, Right: true},
		{Title: "SLOW", Width: 5, Right: true, Drop: 1},
		{Title: "CACHE HIT", Width: 9, Right: true},
	}
	v := kit.NewTableView(c, "DBs", "DATABASE PERFORMANCE", backend.FeedDatabases, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Databases))
		for _, db := range s.Databases {
			st := s.Thresholds.PoolStatus(db)
			use := kit.Dash
			var frac float64
			if db.Connections.Valid && db.MaxConnections.Valid && db.MaxConnections.V > 0 {
				frac = db.Connections.V / db.MaxConnections.V
				use = fmt.Sprintf("%s %2.0f/%.0f", kit.Bar(frac, 8), db.Connections.V, db.MaxConnections.V)
			}
			rows = append(rows, table.Row{Key: db.Name, Cells: []table.Cell{
				{Text: db.Name},
				kit.StatusCell(t, st),
				{Text: use, Style: t.Status(st), Num: frac, IsNum: db.Connections.Valid},
				kit.NumCell(db.AvgQueryMS, "%.0f ms"),
				kit.NumCell(db.SlowQueries, "%.0f"),
				{Text: kit.Pct1(db.CacheHitPct), Num: db.CacheHitPct.V, IsNum: db.CacheHitPct.Valid},
			}})
		}
		return rows
	})
	// enter: the seed's "View Slow Queries" and "Connection Pool Analysis".
	v.Open = func(_ backend.Snapshot, row table.Row) tea.Cmd { return kit.Push(NewDetail(c, row.Key)) }
	k := c.Keys
	// The DR steps of a database: restore it from a dump, and stop / start
	// the services that use it (the seed's "stop affected services").
	v.RowKey = func(_ backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
		db := row.Key
		switch {
		case key.Matches(kp, k.Restore):
			return kit.Act(backend.ActKindRestore, db, nil)
		case key.Matches(kp, k.Stop), key.Matches(kp, k.Start):
			kind := backend.ActKindStop
			if key.Matches(kp, k.Start) {
				kind = backend.ActKindStart
			}
			// No services configured: the root says so instead of acting.
			return kit.Act(kind, db, map[string]string{"services": strings.Join(c.DBServices[db], ",")})
		}
		return nil
	}
	v.RowHelp = func() []key.Binding {
		return kit.Enabled(kit.WithHelp(k.Restore, "restore from a dump"), kit.WithHelp(k.Stop, "stop its services"), kit.WithHelp(k.Start, "start its services"))
	}
	return v
}
