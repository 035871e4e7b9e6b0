package resources

import (
	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Tab registers the resources tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "resources", Title: "Resources", Aliases: []string{"res", "top"}, New: New}
}

// New is the seed's RESOURCE UTILIZATION as a table of consumers:
// CPU and memory per service with bars, sorted by CPU, coloured against
// the CPU and memory limits.
func New(c kit.Common) kit.Screen {
	t := c.Theme
	cols := []table.Column{
		{Title: "SERVICE", Width: 16, Flex: true},
		{Title: "HOST", Width: 8, Drop: 2},
		{Title: "CPU", Width: 17},
		{Title: "MEMORY", Width: 17},
		{Title: "MEM USED", Width: 9, Right: true, Drop: 1},
	}
	v := kit.NewTableView(c, "Resources", "RESOURCE UTILIZATION (top consumers)", backend.FeedMetrics, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Services))
		for _, svc := range s.Services {
			m := svc.Metrics
			cpuSt := backend.Level(m.CPUPct, s.Thresholds.CPUPct)
			memSt := backend.Level(m.MemPct, s.Thresholds.MemoryPct)
			rows = append(rows, table.Row{Key: svc.Name, Cells: []table.Cell{
				{Text: svc.Name},
				{Text: kit.OrDash(svc.Host)},
				{Text: kit.Gauge(m.CPUPct), Style: t.Status(cpuSt), Num: m.CPUPct.V, IsNum: m.CPUPct.Valid},
				{Text: kit.Gauge(m.MemPct), Style: t.Status(memSt), Num: m.MemPct.V, IsNum: m.MemPct.Valid},
				{Text: kit.Bytes(m.MemBytes), Num: m.MemBytes.V, IsNum: m.MemBytes.Valid},
			}})
		}
		return rows
	})
	v.Table.SetSort(2, true) // the hogs first
	return v
}
