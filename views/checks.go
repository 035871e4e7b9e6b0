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

// RunChecksMsg asks the root to run every health check (I/O happens in a
// command there, never here).
type RunChecksMsg struct{}

// ChecksDoneMsg carries the results back.
type ChecksDoneMsg struct{ Results []backend.CheckResult }

// Checks is the one-key health check of everything: every configured
// health URL (the seed's Quick Reference, health-check-all.sh), HTTP code,
// latency, pass/fail and a summary. c runs them again.
type Checks struct {
	c             Common
	tbl           *table.Model
	results       []backend.CheckResult
	running       bool
	width, height int
}

// NewChecks returns the checks view; open it with OpenChecks so the run
// starts at once.
func NewChecks(c Common) *Checks {
	cols := []table.Column{
		{Title: "SERVICE", Width: 16},
		{Title: "URL", Width: 20, Flex: true, Drop: 1},
		{Title: "CODE", Width: 4, Right: true},
		{Title: "LATENCY", Width: 8, Right: true},
		{Title: "RESULT", Width: 24},
	}
	return &Checks{c: c, tbl: table.New(cols, c.Keys, tableStyles(c.Theme)), running: true}
}

// OpenChecks pushes a checks view and starts a run.
func OpenChecks(c Common) tea.Cmd {
	v := NewChecks(c)
	return tea.Batch(
		func() tea.Msg { return PushMsg{View: v} },
		func() tea.Msg { return RunChecksMsg{} },
	)
}

func (v *Checks) Name() string                 { return "check" }
func (v *Checks) Title() string                { return "Health checks" }
func (v *Checks) Back() bool                   { return v.tbl.ClearFilter() }
func (v *Checks) Capturing() bool              { return v.tbl.Filtering() }
func (v *Checks) SetSnapshot(backend.Snapshot) {}

func (v *Checks) SetSize(w, h int) {
	v.width, v.height = w, h
	v.tbl.SetSize(w, max(h-2, 0))
}

func (v *Checks) ShortHelp() []key.Binding {
	k := v.c.Keys
	return []key.Binding{k.Check, k.Filter, k.Sort, k.Back}
}

func (v *Checks) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *Checks) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ChecksDoneMsg:
		v.running = false
		v.results = msg.Results
		v.tbl.SetRows(v.rows())
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, v.c.Keys.Check) && !v.running && !v.tbl.Filtering() {
			v.running = true
			return func() tea.Msg { return RunChecksMsg{} }
		}
	}
	_, cmd := v.tbl.Update(msg)
	return cmd
}

func (v *Checks) rows() []table.Row {
	t := v.c.Theme
	rows := make([]table.Row, 0, len(v.results))
	for _, r := range v.results {
		st, result := backend.StatusUp, "PASS"
		if !r.OK {
			st = backend.StatusDown
			result = "FAIL"
			if r.Err != "" {
				result += " · " + r.Err
			}
		}
		code := dash
		if r.Code != 0 {
			code = fmt.Sprint(r.Code)
		}
		lat := dash
		if r.Latency > 0 {
			lat = fmt.Sprintf("%d ms", r.Latency.Milliseconds())
		}
		rows = append(rows, table.Row{Key: r.Target.Name, Cells: []table.Cell{
			{Text: r.Target.Name},
			{Text: r.Target.URL, Style: t.Subtle},
			{Text: code, Num: float64(r.Code), IsNum: true},
			{Text: lat, Num: float64(r.Latency), IsNum: r.Latency > 0},
			{Text: theme.Dot(st) + " " + result, Style: t.Status(st), Num: float64(st), IsNum: true},
		}})
	}
	return rows
}

func (v *Checks) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	passed := 0
	for _, r := range v.results {
		if r.OK {
			passed++
		}
	}
	var summary string
	switch {
	case v.running:
		summary = t.Subtle.Render("running…")
	case len(v.results) == 0:
		summary = t.Warn.Render("no health_url configured")
	case passed == len(v.results):
		summary = t.OK.Render(fmt.Sprintf("✓ %d/%d passed", passed, len(v.results)))
	default:
		summary = t.Down.Render(fmt.Sprintf("✖ %d/%d passed", passed, len(v.results)))
	}
	head := spread(t.Title.Render("HEALTH CHECKS"), summary, v.width)
	lines := []string{head}
	if v.height > 1 {
		lines = append(lines, v.tbl.View())
	}
	return strings.Join(lines, "\n")
}
