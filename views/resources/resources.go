package resources

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Tab registers the resources tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "resources", Title: "Resources", Aliases: []string{"res", "top"}, New: New}
}

// Screen is the seed's RESOURCE UTILIZATION: the fleet's CPU, memory and
// disk I/O, each with its top consumers, over a table of every service's
// figures, sorted by CPU.
type Screen struct {
	*kit.TableView
	w          int
	showGauges bool
}

// gaugeLines is how many lines the fleet gauges take above the table.
const gaugeLines = 3

// topN is how many top consumers each gauge names.
const topN = 3

// New is the resources screen.
func New(c kit.Common) kit.Screen {
	t := c.Theme
	cols := []table.Column{
		{Title: "SERVICE", Width: 16, Flex: true},
		{Title: "HOST", Width: 8, Drop: 2, Fit: 30},
		{Title: "CPU", Width: 17},
		{Title: "MEMORY", Width: 17},
		{Title: "MEM USED", Width: 9, Right: true, Drop: 1},
		{Title: "DISK I/O", Width: 10, Right: true, Drop: 3},
	}
	v := &Screen{}
	v.TableView = kit.NewTableView(c, "Resources", "RESOURCE UTILIZATION (top consumers)", backend.FeedMetrics, cols, func(s backend.Snapshot) []table.Row {
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
				{Text: rate(m.DiskBps), Num: m.DiskBps.V, IsNum: m.DiskBps.Valid},
			}})
		}
		return rows
	})
	v.Table.SetSort(2, true) // the hogs first
	v.ServiceRows = true     // l, r, R, s and S on the selected service
	return v
}

// SetSize leaves the fleet gauges their lines when the screen is tall
// enough for them and a useful table.
func (v *Screen) SetSize(w, h int) {
	v.w, v.showGauges = w, h >= 10
	if v.showGauges {
		h -= gaugeLines
	}
	v.TableView.SetSize(w, h)
}

// View is the gauges over the table.
func (v *Screen) View() string {
	table := v.TableView.View()
	if !v.showGauges || table == "" {
		return table
	}
	head, rest, _ := strings.Cut(table, "\n")
	return head + "\n" + strings.Join(v.gaugeLines(), "\n") + "\n" + rest
}

// gaugeLines are the fleet's CPU, memory and disk I/O, each with its top
// consumers; a figure no service has reads as a dash, not as zero.
func (v *Screen) gaugeLines() []string {
	t := v.C.Theme
	svcs := v.Snap.Services
	var cpu, mem, limit, disk float64
	var haveCPU, haveMem, haveLimit, haveDisk bool
	for _, s := range svcs {
		m := s.Metrics
		if m.CPUPct.Valid {
			cpu, haveCPU = cpu+m.CPUPct.V, true
		}
		if m.MemBytes.Valid {
			mem, haveMem = mem+m.MemBytes.V, true
			if m.MemPct.Valid && m.MemPct.V > 0 {
				limit, haveLimit = limit+m.MemBytes.V*100/m.MemPct.V, true
			}
		}
		if m.DiskBps.Valid {
			disk, haveDisk = disk+m.DiskBps.V, true
		}
	}
	cpuText, memText, diskText := kit.Dash, kit.Dash, kit.Dash
	if haveCPU {
		cpuText = fmt.Sprintf("%.1f cores busy", cpu/100)
	}
	if haveMem {
		memText = kit.Bytes(backend.Some(mem))
		if haveLimit {
			memText = kit.Gauge(backend.Some(100*mem/limit)) + " " + memText + " of " + kit.Bytes(backend.Some(limit))
		}
	}
	if haveDisk {
		diskText = rate(backend.Some(disk))
	}
	line := func(label, figure string, top string) string {
		return kit.FitLine(t.Title.Render(fmt.Sprintf("%-9s", label))+" "+figure+t.Subtle.Render("   top: ")+top, v.w)
	}
	return []string{
		line("CPU", cpuText, top(svcs, func(m backend.Metrics) backend.Value { return m.CPUPct }, func(x float64) string { return fmt.Sprintf("%.0f%%", x) })),
		line("MEMORY", memText, top(svcs, func(m backend.Metrics) backend.Value { return m.MemBytes }, func(x float64) string { return kit.Bytes(backend.Some(x)) })),
		line("DISK I/O", diskText, top(svcs, func(m backend.Metrics) backend.Value { return m.DiskBps }, func(x float64) string { return rate(backend.Some(x)) })),
	}
}

// top names the services with the highest figure, highest first; those
// without one are left out (never ranked as zero).
func top(svcs []backend.Service, fig func(backend.Metrics) backend.Value, format func(float64) string) string {
	type consumer struct {
		name string
		v    float64
	}
	var cs []consumer
	for _, s := range svcs {
		if v := fig(s.Metrics); v.Valid {
			cs = append(cs, consumer{s.Name, v.V})
		}
	}
	if len(cs) == 0 {
		return kit.Dash
	}
	slices.SortStableFunc(cs, func(a, b consumer) int { return cmp.Compare(b.v, a.v) })
	parts := make([]string, 0, topN)
	for _, c := range cs[:min(topN, len(cs))] {
		parts = append(parts, kit.Sanitize(c.name)+" "+format(c.v))
	}
	return strings.Join(parts, " · ")
}

// rate is bytes per second in the seed's MB/s (decimal megabytes, as
// docker stats' BLOCK I/O), with a finer unit for quiet services.
func rate(v backend.Value) string {
	switch {
	case !v.Valid:
		return kit.Dash
	case v.V >= 1e6:
		return fmt.Sprintf("%.1f MB/s", v.V/1e6)
	default:
		return fmt.Sprintf("%.0f kB/s", v.V/1e3)
	}
}
