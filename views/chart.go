package views

import (
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/guptarohit/asciigraph"

	"github.com/manacore/opsdeck/backend"
)

// ChartRange is the window of the p95 chart: the seed's "Last 24 hours".
const ChartRange = 24 * time.Hour

// RangeRequestMsg asks the root to fetch the p95 series of the last
// ChartRange at Step (the I/O happens in a command there).
type RangeRequestMsg struct {
	ID   int
	Step time.Duration
}

// RangeResultMsg carries the answer back to the chart with that ID.
type RangeResultMsg struct {
	ID     int
	Series map[string]backend.Series
	Err    error
}

// Chart is the seed's RESPONSE TIME (p95 Latency) chart for one or
// several services over the last 24 hours, with the target line, a time
// axis and a legend. It is drawn with asciigraph (a maintained,
// dependency-free line plotter that works with any Bubble Tea version).
type Chart struct {
	c             Common
	id            int
	services      []string
	target        float64
	series        map[string]backend.Series
	err           error
	loading       bool
	width, height int
}

var chartSeq int

// OpenChart pushes a chart of services and asks for its data.
func OpenChart(c Common, services []string, target time.Duration) tea.Cmd {
	chartSeq++
	v := &Chart{c: c, id: chartSeq, services: services, target: float64(target.Milliseconds()), loading: true}
	// One point per 15 minutes: 97 points, readable at 80 columns and
	// cheap for Prometheus; asciigraph interpolates to the width.
	req := RangeRequestMsg{ID: v.id, Step: 15 * time.Minute}
	return tea.Batch(func() tea.Msg { return PushMsg{View: v} }, func() tea.Msg { return req })
}

func (v *Chart) Name() string                 { return "chart" }
func (v *Chart) Title() string                { return "p95 24h" }
func (v *Chart) Back() bool                   { return false }
func (v *Chart) Capturing() bool              { return false }
func (v *Chart) SetSnapshot(backend.Snapshot) {}
func (v *Chart) SetSize(w, h int)             { v.width, v.height = w, h }
func (v *Chart) ShortHelp() []key.Binding     { return []key.Binding{v.c.Keys.Back} }
func (v *Chart) FullHelp() [][]key.Binding    { return [][]key.Binding{v.ShortHelp()} }

func (v *Chart) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(RangeResultMsg); ok && r.ID == v.id {
		v.loading, v.series, v.err = false, r.Series, r.Err
	}
	return nil
}

var chartColors = []asciigraph.AnsiColor{asciigraph.DodgerBlue, asciigraph.Orange, asciigraph.MediumPurple, asciigraph.Teal, asciigraph.Gold}

func (v *Chart) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	names := sanitize(strings.Join(v.services, ", "))
	head := t.Title.Render("RESPONSE TIME (p95 Latency)") + t.Subtle.Render(" [Last 24 hours] "+names)
	switch {
	case v.loading:
		return fitLine(head, v.width) + "\n" + t.Subtle.Render("loading…")
	case v.err != nil:
		return fitLine(head, v.width) + "\n" + fitLine(t.Error.Render("✖ "+sanitize(v.err.Error())), v.width)
	}
	var data [][]float64
	var legends []string
	var colors []asciigraph.AnsiColor
	n := 0
	for i, name := range v.services {
		s, ok := v.series[name]
		if !ok || len(s.Points) == 0 {
			continue
		}
		pts := make([]float64, len(s.Points))
		for j, p := range s.Points {
			pts[j] = math.NaN() // a gap, not a made-up zero
			if p.Valid {
				pts[j] = p.V
			}
		}
		n = max(n, len(pts))
		data = append(data, pts)
		legends = append(legends, sanitize(name)) // asciigraph prints legends as they are
		colors = append(colors, chartColors[i%len(chartColors)])
	}
	if len(data) == 0 {
		return fitLine(head, v.width) + "\n" + t.Warn.Render(fitLine("no p95 data for "+names+" in the last 24 hours", v.width))
	}
	target := make([]float64, n)
	for i := range target {
		target[i] = v.target
	}
	data = append(data, target)
	legends = append(legends, fmt.Sprintf("Target (%.0fms)", v.target))
	colors = append(colors, asciigraph.Red)
	plotH := max(v.height-7, 3) // title, x axis and its labels, a blank line, the legend
	plotW := max(v.width-12, 10)
	plot := asciigraph.PlotMany(data,
		asciigraph.Height(plotH), asciigraph.Width(plotW), asciigraph.LowerBound(0),
		asciigraph.SeriesColors(colors...), asciigraph.SeriesLegends(legends...),
		asciigraph.XAxisRange(-24, 0), asciigraph.XAxisTickCount(5),
		asciigraph.XAxisValueFormatter(func(h float64) string { return fmt.Sprintf("%.0fh", h) }),
		asciigraph.YAxisValueFormatter(func(ms float64) string { return fmt.Sprintf("%.0fms", ms) }),
	)
	lines := []string{fitLine(head, v.width)}
	for _, l := range strings.Split(plot, "\n") {
		lines = append(lines, fitLine(l, v.width))
	}
	return strings.Join(lines, "\n")
}
