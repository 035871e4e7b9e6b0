package latency

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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
	series  map[string]backend.Series
	caveats []backend.Caveat
	err     error
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

	// worst, when positive, draws the worst services by their current
	// p95 (from the snapshot) instead of fixed ones: the dashboard's
	// panel. It asks again every worstRefresh while shown.
	worst int
	asked time.Time // when the data on screen was asked for
	// caveats are what the source said of the history (a partial answer).
	caveats []backend.Caveat
}

// worstRefresh is how often the dashboard's chart asks for the last 24
// hours again: a 15-minute step moves no faster.
const worstRefresh = 5 * time.Minute

// NewWorstChart is the chart of the n services with the worst p95 now,
// against the snapshot's target: the dashboard's RESPONSE TIME panel.
// It asks for every service's history once, and draws whichever are
// worst as the figures move.
func NewWorstChart(c kit.Common, n int) *Chart {
	return &Chart{c: c, id: c.NewID(), worst: n, loading: true}
}

// SetSnapshot picks the worst services and the target, in worst mode.
func (v *Chart) SetSnapshot(s backend.Snapshot) {
	if v.worst <= 0 {
		return
	}
	v.target = float64(s.Thresholds.P95Target.Milliseconds())
	type p95 struct {
		name string
		ms   float64
	}
	var all []p95
	for _, svc := range s.Services {
		if m := svc.Metrics.P95MS; m.Valid {
			all = append(all, p95{svc.Name, m.V})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].ms > all[j].ms })
	v.services = v.services[:0]
	for _, p := range all[:min(v.worst, len(all))] {
		v.services = append(v.services, p.name)
	}
}

// NewChart is the chart of services against target; it asks for its data
// when opened.
func NewChart(c kit.Common, services []string, target time.Duration) *Chart {
	return &Chart{c: c, id: c.NewID(), services: services, target: float64(target.Milliseconds()), loading: true}
}

// Init asks for the last ChartRange of p95, ending now.
func (v *Chart) Init() tea.Cmd {
	q, end := v.c.Deps.Ranges, v.c.Now()
	v.asked = end
	return kit.Ask(v.id, rangeTimeout, func(ctx context.Context) tea.Msg {
		if q == nil {
			return rangeResult{err: errors.New("no metrics source for history")}
		}
		series, cv, err := q.P95Range(ctx, end.Add(-ChartRange), end, chartStep)
		return rangeResult{series: series, caveats: cv, err: err}
	})
}

func (v *Chart) ID() kit.ID                { return v.id }
func (v *Chart) Title() string             { return "p95 24h" }
func (v *Chart) SetSize(w, h int)          { v.width, v.height = w, h }
func (v *Chart) ShortHelp() []key.Binding  { return []key.Binding{v.c.Keys.Back} }
func (v *Chart) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *Chart) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rangeResult:
		v.loading, v.series, v.caveats, v.err = false, msg.series, msg.caveats, msg.err
	case kit.TickMsg:
		// The dashboard's chart stays open: it asks again now and then,
		// keeping what it shows until the answer comes.
		if v.worst > 0 && !v.asked.IsZero() && time.Time(msg).Sub(v.asked) >= worstRefresh {
			return v.Init()
		}
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
	which := names
	if v.worst > 0 {
		which = "worst p95 now: " + names
		if len(v.services) == 0 {
			which = "no service has a p95 now"
		}
	}
	head := t.Title.Render("RESPONSE TIME (p95 Latency)") + t.Subtle.Render(" [Last 24 hours] "+which)
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
		legends = append(legends, seriesMark(len(data)-1)+" "+kit.Sanitize(name))
		colors = append(colors, chartColors[i%len(chartColors)])
	}
	if len(data) == 0 {
		out := kit.FitLine(head, v.width) + "\n" + t.Warn.Render(kit.FitLine("no p95 data for "+names+" in the last 24 hours", v.width))
		if note := v.caveatLine(); note != "" {
			out += "\n" + kit.FitLine(note, v.width)
		}
		return out
	}
	target := make([]float64, n)
	for i := range target {
		target[i] = v.target
	}
	data = append(data, target)
	legends = append(legends, fmt.Sprintf("T Target (%.0fms)", v.target))
	colors = append(colors, asciigraph.Red)
	// The legend is drawn here, not by asciigraph, so that it wraps
	// instead of losing its last entries (the target) to a narrow panel.
	legend := legendLines(legends, colors, v.width-2)
	note := v.caveatLine()
	extra := 0
	if note != "" {
		extra = 1
	}
	plotH := max(v.height-6-len(legend)-extra, 3) // title, x axis and its labels, a blank line, the legend
	plotW := max(v.width-12, 10)
	lo, hi := yRange(data, plotH)
	plot := asciigraph.PlotMany(data,
		asciigraph.Height(plotH), asciigraph.Width(plotW), asciigraph.LowerBound(lo), asciigraph.UpperBound(hi),
		asciigraph.SeriesColors(colors...),
		asciigraph.XAxisRange(-24, 0), asciigraph.XAxisTickCount(5),
		asciigraph.XAxisValueFormatter(func(h float64) string { return fmt.Sprintf("%.0fh", h) }),
		asciigraph.YAxisValueFormatter(func(ms float64) string { return fmt.Sprintf("%.0fms", ms) }),
	)
	lines := []string{kit.FitLine(head, v.width)}
	if note != "" {
		lines = append(lines, kit.FitLine(note, v.width))
	}
	// Each line ends with its letter (the target's T) where its last
	// point is, so the lines are told apart without their colours.
	rows := strings.Split(plot, "\n")
	marks := map[int][]string{}
	for k, s := range data {
		for j := len(s) - 1; j >= 0; j-- {
			if !math.IsNaN(s[j]) {
				r := plotH - int(math.Round((s[j]-lo)*float64(plotH)/(hi-lo)))
				mark := "T"
				if k < len(data)-1 {
					mark = seriesMark(k)
				}
				marks[r] = append(marks[r], colors[k].String()+mark+asciigraph.Default.String())
				break
			}
		}
	}
	for i, l := range rows {
		if m, ok := marks[i]; ok && i <= plotH {
			l += " " + strings.Join(m, "")
		}
		lines = append(lines, kit.FitLine(l, v.width))
	}
	lines = append(lines, "")
	for _, l := range legend {
		lines = append(lines, "  "+l)
	}
	return strings.Join(lines, "\n")
}

// legendLines lays the legend's entries ("■ name", the square in the
// series' colour) out in lines of at most w cells, breaking between
// entries; an entry wider than w is cut.
func legendLines(names []string, colors []asciigraph.AnsiColor, w int) []string {
	var out []string
	line, lineW := "", 0
	for i, n := range names {
		entry := colors[i].String() + "■" + asciigraph.Default.String() + " " + n
		ew := 2 + ansi.StringWidth(n)
		if lineW > 0 && lineW+3+ew > w {
			out = append(out, line)
			line, lineW = "", 0
		}
		if lineW > 0 {
			line += "   "
			lineW += 3
		}
		line += ansi.Truncate(entry, max(w-lineW, 1), "…")
		lineW += min(ew, max(w-lineW, 1))
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// yRange is the y axis of a plot of rows rows: the data and the target
// line (the last series) with room on both sides, so the target is a line
// inside the chart rather than its border, and a p95 moving between 400
// and 480 ms is not flattened against a 0 ms floor. The rows step by a
// round number (1, 2, 2.5 or 5 times a power of ten) from a multiple of
// it, so a round target lies on a labelled row and every label is what
// its row means. It never goes below zero.
func yRange(data [][]float64, rows int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range data {
		for _, v := range s {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 1
	}
	rows = max(rows, 1)
	pad := math.Max((hi-lo)/10, math.Max(hi*0.02, 1))
	lo, hi = math.Max(lo-pad, 0), hi+pad
	for _, step := range niceSteps() {
		from := math.Floor(lo/step) * step
		if from+step*float64(rows) >= hi {
			return from, from + step*float64(rows)
		}
	}
	return lo, hi
}

// niceSteps are the round steps of an axis, smallest first.
func niceSteps() []float64 {
	var out []float64
	for p := 1.0; p <= 1e7; p *= 10 {
		out = append(out, p, 2*p, 2.5*p, 5*p)
	}
	return out
}

// caveatLine is what the source said of the history it gave, marked ⚠
// (a warning: the history may have gaps) or ℹ; "" when it said nothing.
func (v *Chart) caveatLine() string {
	if len(v.caveats) == 0 {
		return ""
	}
	first := v.caveats[0]
	for _, c := range v.caveats {
		if !c.Info {
			first = c
			break
		}
	}
	text := kit.Sanitize(first.Text)
	if n := len(v.caveats) - 1; n > 0 {
		text += fmt.Sprintf(" (+%d more)", n)
	}
	if first.Info {
		return v.c.Theme.Subtle.Render("ℹ " + text)
	}
	return v.c.Theme.Warn.Render("⚠ the history may be partial: " + text)
}

// seriesMark is the letter of the k-th service's line: a, b, c, …
func seriesMark(k int) string { return string(rune('a' + k%26)) }
