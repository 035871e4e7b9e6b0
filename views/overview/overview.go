package overview

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// Overview is the seed's SYSTEM HEALTH OVERVIEW: four tiles coloured
// against the thresholds and the service warnings, then, where the
// terminal is large enough, the seed's whole board as panels (the
// dashboard), else the compact pools, dependencies and active alerts.
type Overview struct {
	c             kit.Common
	id            kit.ID
	snap          backend.Snapshot
	width, height int
	dash          dashboard
}

// Tab registers the overview as the first tab, with the dashboard's
// panels (Panel* order).
func Tab(panels ...Panel) kit.Tab {
	return kit.Tab{Name: "overview", Title: "Overview", Aliases: []string{"ov", "home"},
		New: func(c kit.Common) kit.Screen { return New(c, panels...) }}
}

// New returns the overview screen.
func New(c kit.Common, panels ...Panel) *Overview {
	return &Overview{c: c, id: c.NewID(), dash: newDashboard(c, panels)}
}

func (v *Overview) ID() kit.ID    { return v.id }
func (v *Overview) Title() string { return "Overview" }

// Children are the dashboard's panels: replies to their requests (the
// chart's history) find them through the overview.
func (v *Overview) Children() []kit.Screen { return v.dash.screens }

func (v *Overview) SetSize(w, h int) {
	v.width, v.height = w, h
	v.relayout()
}

func (v *Overview) SetSnapshot(s backend.Snapshot) {
	v.snap = s
	v.dash.setSnapshot(s)
	v.relayout() // the warnings above the panels may take more lines now
}

// relayout places the panels below the top block (tiles and warnings).
func (v *Overview) relayout() {
	if v.width <= 0 || v.height <= 0 {
		v.dash.setSize(0, 0)
		return
	}
	v.dash.setSize(v.width, v.height-len(v.top(v.snap.Summarize())), PanelDatabases, PanelDependencies)
}

// Resized asks for what a panel newly drawn needs (the chart's history).
func (v *Overview) Resized() tea.Cmd { return v.dash.initPlaced() }

func (v *Overview) Update(msg tea.Msg) tea.Cmd {
	return tea.Batch(v.dash.update(msg), v.dash.initPlaced())
}

// Capturing lets a panel's filter take every key while it is typed.
func (v *Overview) Capturing() bool {
	c, ok := v.dash.focused().(kit.Capturer)
	return ok && c.Capturing()
}

// Back undoes the focused panel's own state first (its filter).
func (v *Overview) Back() bool {
	b, ok := v.dash.focused().(kit.Backer)
	return ok && b.Back()
}

func (v *Overview) ShortHelp() []key.Binding {
	f := v.dash.focused()
	if f == nil {
		return nil
	}
	out := []key.Binding{v.dash.keyNext, v.dash.keyOpen}
	for _, b := range f.ShortHelp() {
		// The panel's own enter (its detail) is the dashboard's here.
		if !slices.ContainsFunc(b.Keys(), func(k string) bool { return slices.Contains(v.dash.keyOpen.Keys(), k) }) {
			out = append(out, b)
		}
	}
	return out
}

func (v *Overview) FullHelp() [][]key.Binding {
	if h := v.ShortHelp(); h != nil {
		return [][]key.Binding{h}
	}
	return nil
}

type tile struct {
	title, value, label string
	status              backend.Status
}

func (v *Overview) tiles(sum backend.Summary) []tile {
	rps := kit.Dash
	if sum.RPS.Valid {
		rps = kit.Thousands(sum.RPS.V) + " req/s"
	}
	lat := kit.Dash
	if sum.AvgLatencyMS.Valid {
		lat = kit.Thousands(sum.AvgLatencyMS.V) + " ms"
	}
	rpsStatus := backend.StatusUnknown
	if sum.RPS.Valid {
		rpsStatus = backend.StatusUp
	}
	return []tile{
		{"Services", fmt.Sprintf("%d / %d", sum.Healthy, sum.Total), word(sum.ServicesStatus, "Healthy", "Degraded", "Down"), sum.ServicesStatus},
		{"Request Rate", rps, word(rpsStatus, "Normal", "", ""), rpsStatus},
		{"Error Rate", kit.Pct(sum.ErrorRatePct), word(sum.ErrorStatus, "Good", "High", "Critical"), sum.ErrorStatus},
		{"Avg Latency", lat, word(sum.LatencyStatus, "Fast", "Slow", "Very slow"), sum.LatencyStatus},
	}
}

func word(st backend.Status, up, warn, down string) string {
	switch st {
	case backend.StatusUp:
		return up
	case backend.StatusWarn:
		return warn
	case backend.StatusDown:
		return down
	}
	return "No data"
}

// View renders the overview into exactly width × height cells or fewer.
func (v *Overview) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	out := v.top(v.snap.Summarize())
	if len(v.dash.cells) > 0 {
		room := v.height - len(out)
		if n := len(v.dash.summaries); n > 0 {
			room -= n + 1
		}
		out = append(out, v.dash.view(room)...)
		if len(v.dash.summaries) > 0 {
			out = append(out, "")
		}
		for _, p := range v.dash.summaries {
			switch p {
			case PanelDatabases:
				out = append(out, v.pools())
			case PanelDependencies:
				out = append(out, v.dependencies())
			}
		}
	} else {
		out = append(out, v.pools(), v.dependencies(), "")
		out = append(out, v.alerts(v.height-len(out))...)
	}
	if len(out) > v.height {
		out = out[:v.height]
	}
	return strings.Join(out, "\n")
}

// top is the block above the panels: the title, the tiles, the metrics'
// source line and the service warnings.
func (v *Overview) top(sum backend.Summary) []string {
	t := v.c.Theme
	var out []string
	head := t.Title.Render("SYSTEM HEALTH OVERVIEW")
	upd := t.Subtle.Render("Last Update: " + kit.Clock(v.snap.LastUpdate()))
	out = append(out, kit.Spread(head, upd, v.width))
	out = append(out, v.renderTiles(sum)...)
	out = append(out, kit.FitLine(v.c.FeedLine(v.snap, backend.FeedMetrics), v.width))
	out = append(out, "")
	out = append(out, v.warnings(sum)...)
	return append(out, "")
}

func (v *Overview) renderTiles(sum backend.Summary) []string {
	t := v.c.Theme
	tiles := v.tiles(sum)
	perRow := 4
	if v.width < 4*16+3 {
		perRow = 2
	}
	if v.width < 2*16+1 {
		perRow = 1
	}
	w := min((v.width-(perRow-1))/perRow, 32)
	var rows []string
	for i := 0; i < len(tiles); i += perRow {
		var boxes []string
		for _, tl := range tiles[i:min(i+perRow, len(tiles))] {
			inner := max(w-4, 1) // border and padding
			body := strings.Join([]string{
				t.Bold.Render(ansi.Truncate(tl.title, inner, "…")),
				ansi.Truncate(tl.value, inner, "…"),
				t.Status(tl.status).Render(ansi.Truncate(theme.Dot(tl.status)+" "+tl.label, inner, "…")),
			}, "\n")
			box := t.Tile.Width(w).BorderForeground(tileBorder(t, tl.status)).Render(body)
			boxes = append(boxes, box, " ")
		}
		row := lipgloss.JoinHorizontal(lipgloss.Top, boxes[:len(boxes)-1]...)
		rows = append(rows, strings.Split(row, "\n")...)
	}
	return rows
}

// tileBorder draws attention to a tile only when it is not fine.
func tileBorder(t *theme.Theme, st backend.Status) color.Color {
	switch st {
	case backend.StatusWarn:
		return t.P.Warn
	case backend.StatusDown:
		return t.P.Down
	}
	return t.P.Border
}

// warnings is the seed's line "⚠️ 1 Service Warning: picture-backend (High
// Memory: 85%)". Services are grouped by how bad they are, worst first:
// "1 down: chat-backend (…) · 1 warning: picture-backend (…)" on one line
// when it fits, one line per group when it does not.
func (v *Overview) warnings(sum backend.Summary) []string {
	t := v.c.Theme
	if len(sum.Warnings) == 0 {
		return []string{kit.FitLine(t.OK.Render("● All services healthy"), v.width)}
	}
	type group struct {
		status backend.Status
		names  []string // "picture-backend (High Memory: 85%)"
	}
	var groups []group
	for _, st := range []backend.Status{backend.StatusDown, backend.StatusWarn, backend.StatusUnknown} {
		g := group{status: st}
		for _, w := range sum.Warnings {
			if w.Status != st {
				continue
			}
			var why []string
			for _, f := range w.Findings {
				why = append(why, kit.Sanitize(f.Text))
			}
			g.names = append(g.names, fmt.Sprintf("%s (%s)", kit.Sanitize(w.Service), strings.Join(why, ", ")))
		}
		if len(g.names) > 0 {
			groups = append(groups, g)
		}
	}
	texts := make([]string, len(groups))
	for i, g := range groups {
		noun := groupNoun(g.status, len(g.names))
		if len(groups) == 1 && g.status == backend.StatusWarn {
			noun = kit.Plural(len(g.names), "Service Warning") // only warnings: the seed's words
		}
		texts[i] = noun + ": " + strings.Join(g.names, ", ")
	}
	if oneLine := 2 + ansi.StringWidth(strings.Join(texts, " · ")); oneLine <= v.width {
		parts := make([]string, len(groups))
		for i, g := range groups {
			parts[i] = t.Status(g.status).Render(texts[i])
		}
		worst := groups[0].status
		return []string{t.Status(worst).Render(theme.Dot(worst)+" ") + strings.Join(parts, t.Subtle.Render(" · "))}
	}
	lines := make([]string, len(groups))
	for i, g := range groups {
		lines[i] = kit.FitLine(t.Status(g.status).Render(theme.Dot(g.status)+" "+texts[i]), v.width)
	}
	return lines
}

// groupNoun counts a group of the warnings line: "1 down", "2 warnings".
func groupNoun(st backend.Status, n int) string {
	switch st {
	case backend.StatusDown:
		return fmt.Sprintf("%d down", n)
	case backend.StatusWarn:
		return kit.Plural(n, "warning")
	}
	return fmt.Sprintf("%d unknown", n)
}

// alerts is a compact ACTIVE ALERTS panel, firing first as the snapshot
// orders them, cut to the lines left.
func (v *Overview) alerts(room int) []string {
	t := v.c.Theme
	if room < 2 {
		return nil
	}
	lines := []string{kit.Spread(t.Title.Render("ACTIVE ALERTS"), v.c.FeedLine(v.snap, backend.FeedAlerts), v.width)}
	critical := 0
	for _, a := range v.snap.Alerts {
		if a.Severity == backend.SeverityCritical {
			critical++
		}
	}
	shown := 0
	for _, a := range v.snap.Alerts {
		if len(lines) >= room-1 {
			break
		}
		st := kit.SeverityStatus(a.Severity)
		sev := fmt.Sprintf("%s %-8s", kit.SeverityGlyph(a.Severity), strings.ToUpper(string(a.Severity)))
		summary := kit.Sanitize(a.Summary)
		if a.State == backend.AlertSilenced {
			summary = t.Subtle.Render("silenced · " + summary)
		}
		line := fmt.Sprintf("%s  %-16s  %s", t.Status(st).Render(sev), kit.Sanitize(a.Service), summary)
		line = kit.Spread(kit.FitLine(line, v.width-10), t.Subtle.Render(kit.Clock(a.Since)), v.width)
		lines = append(lines, line)
		shown++
	}
	if shown < len(v.snap.Alerts) {
		lines = append(lines, t.Subtle.Render(fmt.Sprintf("  … %d more (:alerts)", len(v.snap.Alerts)-shown)))
	} else if f := v.snap.Feed(backend.FeedAlerts); critical == 0 && len(lines) < room && f.Err == "" && !f.UpdatedAt.IsZero() {
		// Only claim there are no critical alerts when we know it.
		lines = append(lines, t.OK.Render("✓ No Critical Alerts"))
	}
	return lines
}

// pools is a one-line DATABASE PERFORMANCE summary: each pool's use
// against its maximum, coloured by the pool threshold.
func (v *Overview) pools() string {
	t := v.c.Theme
	var parts []string
	for _, db := range v.snap.Databases {
		st := v.snap.Thresholds.PoolStatus(db)
		use := kit.Dash
		if db.Connections.Valid && db.MaxConnections.Valid {
			use = fmt.Sprintf("%.0f/%.0f", db.Connections.V, db.MaxConnections.V)
		}
		parts = append(parts, t.Status(st).Render(theme.Dot(st)+" "+kit.Sanitize(db.Name))+" "+use)
	}
	return v.summaryLine("DATABASES", parts, backend.FeedDatabases)
}

// dependencies is a one-line EXTERNAL DEPENDENCIES summary.
func (v *Overview) dependencies() string {
	t := v.c.Theme
	var parts []string
	for _, d := range v.snap.Dependencies {
		st := v.snap.Thresholds.DependencyStatus(d)
		parts = append(parts, t.Status(st).Render(theme.Dot(st)+" "+kit.Sanitize(d.Name))+" "+kit.Num(d.LatencyMS, "%.0fms"))
	}
	return v.summaryLine("DEPENDENCIES", parts, backend.FeedDependencies)
}

func (v *Overview) summaryLine(title string, parts []string, f backend.Feed) string {
	t := v.c.Theme
	head := t.Title.Render(fmt.Sprintf("%-13s", title))
	if len(parts) == 0 {
		return kit.FitLine(head+v.c.FeedLine(v.snap, f), v.width)
	}
	return kit.FitLine(head+strings.Join(parts, t.Subtle.Render(" · ")), v.width)
}
