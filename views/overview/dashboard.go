package overview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// Panel is one panel of the dashboard: the screen of another tab (or
// one made for the dashboard, the 24 h chart), drawn inside the overview
// as a Grafana board draws its panels.
type Panel struct {
	// Tab is the tab enter opens from the focused panel.
	Tab string
	New func(kit.Common) kit.Screen
	// Min is the fewest lines the panel is drawn in; where a column has
	// fewer left, the panel is left out.
	Min int
	// Grow is the panel's share of the lines its column has over.
	Grow int
}

// Layout rule. The dashboard replaces the compact panels below the tiles
// when it has dashMinRows lines for them. It has one column per
// dashColumnWidth cells (at most three), and each column count its plan:
// which panels go in which column, in order. In a column the panels are
// drawn while their Min fits; the lines left over are shared by Grow.
const (
	dashMinRows     = 24
	dashColumnWidth = 72
	dashGap         = " │ " // between columns
)

// Panel indexes into Options.Panels, in the order registry gives them.
const (
	PanelServices = iota
	PanelChart
	PanelResources
	PanelAlerts
	PanelDatabases
	PanelDependencies
)

// plans are the columns of each column count, the seed's board read from
// left to right: service status and the chart on the left, resources,
// alerts, databases and dependencies on the right. One column keeps what
// an on-call engineer reads first first.
var plans = [][][]int{
	{{PanelServices, PanelAlerts, PanelDatabases, PanelDependencies, PanelResources, PanelChart}},
	{{PanelServices, PanelChart}, {PanelResources, PanelAlerts, PanelDatabases, PanelDependencies}},
	{{PanelServices}, {PanelChart, PanelResources}, {PanelAlerts, PanelDatabases, PanelDependencies}},
}

// cell is where a panel is drawn.
type cell struct {
	panel      int
	x, y, w, h int
}

// layout places the panels in a w×h area; nil when the area is too small
// for the dashboard (the compact overview is drawn instead).
func layout(panels []Panel, w, h int) []cell {
	if h < dashMinRows || len(panels) == 0 {
		return nil
	}
	return place(panels, w, h)
}

// placed reports whether panel p has a cell.
func placed(cells []cell, p int) bool {
	for _, c := range cells {
		if c.panel == p {
			return true
		}
	}
	return false
}

func place(panels []Panel, w, h int) []cell {
	cols := min(max(w/dashColumnWidth, 1), len(plans))
	colW := (w - (cols-1)*ansi.StringWidth(dashGap)) / cols
	var out []cell
	for ci, plan := range plans[cols-1] {
		x := ci * (colW + ansi.StringWidth(dashGap))
		var in []int
		used := 0
		for _, p := range plan {
			if p >= len(panels) {
				continue
			}
			need := panels[p].Min
			if len(in) > 0 {
				need++ // the blank line above it
			}
			if used+need > h {
				continue
			}
			in = append(in, p)
			used += need
		}
		// Share the lines over by Grow, the remainder to the first.
		extra, grow := h-used, 0
		for _, p := range in {
			grow += panels[p].Grow
		}
		heights := make([]int, len(in))
		given := 0
		for i, p := range in {
			heights[i] = panels[p].Min
			if grow > 0 {
				add := extra * panels[p].Grow / grow
				heights[i] += add
				given += add
			}
		}
		if len(in) > 0 && grow > 0 {
			for i, p := range in {
				if panels[p].Grow > 0 {
					heights[i] += extra - given
					break
				}
			}
		}
		y := 0
		for i, p := range in {
			out = append(out, cell{panel: p, x: x, y: y, w: colW, h: heights[i]})
			y += heights[i] + 1
		}
	}
	return out
}

// dashboard is the overview's panels: their screens, where they are, and
// which one has the focus.
type dashboard struct {
	panels  []Panel
	screens []kit.Screen // one per panel, made when the overview is
	cells   []cell       // as last laid out; empty in the compact view
	focus   int          // index into cells
	inited  []bool       // per panel: its Init has run
	// summaries are the panels left out that the overview sums up in a
	// line each below the others.
	summaries []int
	keyNext   key.Binding
	keyPrev   key.Binding
	keyOpen   key.Binding
}

func newDashboard(c kit.Common, panels []Panel) dashboard {
	d := dashboard{panels: panels,
		keyNext: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab/shift+tab", "next/previous panel")),
		keyPrev: key.NewBinding(key.WithKeys("shift+tab")),
		keyOpen: key.NewBinding(key.WithKeys(c.Keys.Open.Keys()...), key.WithHelp(c.Keys.Open.Help().Key, "open the panel's tab")),
	}
	for _, p := range panels {
		d.screens = append(d.screens, p.New(c))
	}
	d.inited = make([]bool, len(panels))
	return d
}

// initPlaced asks for the first data of the panels that are drawn and
// have not asked yet (kit.Initer): a panel left out costs no request.
func (d *dashboard) initPlaced() tea.Cmd {
	var cmds []tea.Cmd
	for _, c := range d.cells {
		if d.inited[c.panel] {
			continue
		}
		d.inited[c.panel] = true
		if i, ok := d.screens[c.panel].(kit.Initer); ok {
			cmds = append(cmds, i.Init())
		}
	}
	return tea.Batch(cmds...)
}

// focused is the screen of the focused panel, nil in the compact view.
func (d *dashboard) focused() kit.Screen {
	if len(d.cells) == 0 {
		return nil
	}
	return d.screens[d.cells[d.focus].panel]
}

// setSize lays the panels out in w×h and sizes their screens; the focus
// stays on its panel when it is still drawn. Where the panels of summary
// (the databases, the dependencies) are left out, each takes a line below
// the others instead (summaryLines), so nothing of the compact overview
// is lost on the way to the whole board.
func (d *dashboard) setSize(w, h int, summary ...int) {
	var was = -1
	if len(d.cells) > 0 {
		was = d.cells[d.focus].panel
	}
	d.cells = layout(d.panels, w, h)
	d.summaries = nil
	for range summary { // each pass can only leave out more
		var out []int
		for _, p := range summary {
			if p < len(d.panels) && !placed(d.cells, p) {
				out = append(out, p)
			}
		}
		if len(out) == len(d.summaries) || len(d.cells) == 0 {
			break
		}
		d.summaries = out
		d.cells = place(d.panels, w, h-len(out)-1)
	}
	d.focus = 0
	for i, c := range d.cells {
		d.screens[c.panel].SetSize(c.w-2, c.h) // two cells for the focus bar
		if c.panel == was {
			d.focus = i
		}
	}
}

func (d *dashboard) setSnapshot(s backend.Snapshot) {
	for _, sc := range d.screens {
		if ss, ok := sc.(kit.SnapshotSetter); ok {
			ss.SetSnapshot(s)
		}
	}
}

// update handles a message in the dashboard view: tab and shift+tab move
// the focus, enter opens the focused panel's tab, other keys go to the
// focused panel; anything else (replies, ticks, ended actions) to every
// panel. ok is false for a key the dashboard does not take (compact view).
func (d *dashboard) update(msg tea.Msg) tea.Cmd {
	kp, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		var cmds []tea.Cmd
		for _, sc := range d.screens {
			cmds = append(cmds, sc.Update(msg))
		}
		return tea.Batch(cmds...)
	}
	f := d.focused()
	if f == nil {
		return nil
	}
	if c, ok := f.(kit.Capturer); ok && c.Capturing() {
		return f.Update(msg) // a filter being typed
	}
	switch {
	case key.Matches(kp, d.keyNext):
		d.focus = (d.focus + 1) % len(d.cells)
		return nil
	case key.Matches(kp, d.keyPrev):
		d.focus = (d.focus + len(d.cells) - 1) % len(d.cells)
		return nil
	case key.Matches(kp, d.keyOpen):
		return kit.ShowTab(d.panels[d.cells[d.focus].panel].Tab)
	}
	return f.Update(msg)
}

// view draws the panels into a w×h block: the focused one marked by a bar
// down its left edge (▌, not colour alone), the others indented alike,
// the columns apart by a rule.
func (d *dashboard) view(h int) []string {
	var xs []int               // the columns' left edges, left to right
	cols := map[int][]string{} // each column's lines
	widths := map[int]int{}
	for i, c := range d.cells {
		col, ok := cols[c.x]
		if !ok {
			xs = append(xs, c.x)
			col = make([]string, h)
			widths[c.x] = c.w
		}
		bar := "  "
		if i == d.focus {
			bar = "▌ "
		}
		lines := strings.Split(d.screens[c.panel].View(), "\n")
		for j := 0; j < c.h && c.y+j < h; j++ {
			line := ""
			if j < len(lines) {
				line = lines[j]
			}
			col[c.y+j] = bar + kit.FitLine(line, c.w-2)
		}
		cols[c.x] = col
	}
	out := make([]string, h)
	for y := range out {
		var b strings.Builder
		for k, x := range xs {
			if k > 0 {
				b.WriteString(dashGap)
			}
			line := cols[x][y]
			b.WriteString(line)
			if k < len(xs)-1 {
				b.WriteString(strings.Repeat(" ", max(widths[x]-ansi.StringWidth(line), 0)))
			}
		}
		out[y] = b.String()
	}
	return out
}
