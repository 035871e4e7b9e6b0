package latency

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/guptarohit/asciigraph"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// ChartRange is the window of the p95 chart: the seed's "Last 24 hours".
const ChartRange = 24 * time.Hour

// chartStep is one point per 15 minutes: 97 points, readable at 80
// columns and cheap for Prometheus; asciigraph interpolates to the width.
const chartStep = 15 * time.Minute

// rangeTimeout bounds the range query behind the chart.
const rangeTimeout = 15 * time.Second

// rangeResult is the answer to the chart's range query.
type rangeResult struct {
	series map[string]backend.Series
	err    error
}

// Chart is the seed's RESPONSE TIME (p95 Latency) chart for one or
// several services over the last 24 hours, with the target line, a time
// axis and a legend. It is drawn with asciigraph (a maintained,
// dependency-free line plotter that works with any Bubble Tea version).
type Chart struct {
	c             kit.Common
	id            kit.ID
	services      []string
	target        float64
	series        map[string]backend.Series
	err           error
	loading       bool
	width, height int
}

// NewChart is the chart of services against target; it asks for its data
// when opened.
func NewChart(c kit.Common, services []string, target time.Duration) *Chart {
	return &Chart{c: c, id: c.NewID(), services: services, target: float64(target.Milliseconds()), loading: true}
}

// Init asks for the last ChartRange of p95, ending now.
func (v *Chart) Init() tea.Cmd {
	q, end := v.c.Deps.Ranges, v.c.Now()
	return kit.Ask(v.id, rangeTimeout, func(ctx context.Context) tea.Msg {
		if q == nil {
			return rangeResult{err: errors.New("no metrics source for history")}
		}
		series, err := q.P95Range(ctx, end.Add(-ChartRange), end, chartStep)
		return rangeResult{series: series, err: err}
	})
}

func (v *Chart) ID() kit.ID                { return v.id }
func (v *Chart) Title() string             { return "p95 24h" }
func (v *Chart) SetSize(w, h int)          { v.width, v.height = w, h }
func (v *Chart) ShortHelp() []key.Binding  { return []key.Binding{v.c.Keys.Back} }
func (v *Chart) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *Chart) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(rangeResult); ok {
		v.loading, v.series, v.err = false, r.series, r.err
	}
	return nil
}

var chartColors = []asciigraph.AnsiColor{asciigraph.DodgerBlue, asciigraph.Orange, asciigraph.MediumPurple, asciigraph.Teal, asciigraph.Gold}

func (v *Chart) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	names := kit.Sanitize(strings.Join(v.services, ", "))
	head := t.Title.Render("RESPONSE TIME (p95 Latency)") + t.Subtle.Render(" [Last 24 hours] "+names)
	switch {
	case v.loading:
		return kit.FitLine(head, v.width) + "\n" + t.Subtle.Render("loading…")
	case v.err != nil:
		return kit.FitLine(head, v.width) + "\n" + kit.FitLine(t.Error.Render("✖ "+kit.Sanitize(v.err.Error())), v.width)
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
		legends = append(legends, kit.Sanitize(name)) // asciigraph prints legends as they are
		colors = append(colors, chartColors[i%len(chartColors)])
	}
	if len(data) == 0 {
		return kit.FitLine(head, v.width) + "\n" + t.Warn.Render(kit.FitLine("no p95 data for "+names+" in the last 24 hours", v.width))
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
	lines := []string{kit.FitLine(head, v.width)}
	for _, l := range strings.Split(plot, "\n") {
		lines = append(lines, kit.FitLine(l, v.width))
	}
	return strings.Join(lines, "\n")
}
