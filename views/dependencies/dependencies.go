package dependencies

import (
	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Tab registers the external dependencies tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "dependencies", Title: "Deps", Aliases: []string{"deps", "dep"}, New: New}
}

// New is the seed's EXTERNAL DEPENDENCIES: status, latency,
// success rate and last check; a dependency that answers but fails too
// many probes is not up.
func New(c kit.Common) kit.Screen {
	t := c.Theme
	cols := []table.Column{
		{Title: "SERVICE", Width: 18, Flex: true},
		{Title: "STATUS", Width: 7},
		{Title: "LATENCY", Width: 8, Right: true},
		{Title: "SUCCESS", Width: 8, Right: true},
		{Title: "LAST CHECK", Width: 10, Right: true},
	}
	return kit.NewTableView(c, "Deps", "EXTERNAL DEPENDENCIES", backend.FeedDependencies, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Dependencies))
		for _, d := range s.Dependencies {
			st := s.Thresholds.DependencyStatus(d)
			rows = append(rows, table.Row{Key: d.Name, Cells: []table.Cell{
				{Text: d.Name},
				kit.StatusCell(t, st),
				kit.NumCell(d.LatencyMS, "%.0f ms"),
				{Text: kit.Pct1(d.SuccessPct), Style: t.Status(s.Thresholds.DependencySuccessPct.Rate(d.SuccessPct)), Num: d.SuccessPct.V, IsNum: d.SuccessPct.Valid},
				{Text: kit.Clock(d.CheckedAt), Num: float64(d.CheckedAt.Unix()), IsNum: !d.CheckedAt.IsZero()},
			}})
		}
		return rows
	})
}
