package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// Command registers the checks screen: c or :check.
func Command() kit.Command {
	return kit.Command{Name: "check", Help: "run every health check", Aliases: []string{"health"},
		Open: func(c kit.Common, _ string) (kit.Screen, error) { return New(c), nil }}
}

// checksTimeout bounds a whole run; each check has the checker's own.
const checksTimeout = 30 * time.Second

// checksDone carries a run's results back.
type checksDone struct{ results []backend.CheckResult }

// Checks is the one-key health check of everything: every configured
// health URL (the seed's Quick Reference, health-check-all.sh), HTTP code,
// latency, pass/fail and a summary. c runs them again.
type Checks struct {
	c             kit.Common
	id            kit.ID
	tbl           *table.Model
	results       []backend.CheckResult
	running       bool
	width, height int
}

// New returns the checks screen; its run starts when it is opened.
func New(c kit.Common) *Checks {
	cols := []table.Column{
		{Title: "SERVICE", Width: 16, Fit: 40},
		{Title: "URL", Width: 20, Flex: true, Drop: 1},
		{Title: "CODE", Width: 4, Right: true},
		{Title: "LATENCY", Width: 8, Right: true},
		{Title: "RESULT", Width: 24},
	}
	return &Checks{c: c, id: c.NewID(), tbl: table.New(cols, c.Keys, kit.TableStyles(c.Theme)), running: true}
}

// Init starts the first run.
func (v *Checks) Init() tea.Cmd { return v.run() }

// run checks every target off the UI goroutine.
func (v *Checks) run() tea.Cmd {
	v.running = true
	checker := v.c.Deps.Checker
	return kit.Ask(v.id, checksTimeout, func(ctx context.Context) tea.Msg {
		if checker == nil {
			return checksDone{}
		}
		return checksDone{results: checker.CheckAll(ctx)}
	})
}

// OwnsKey: c reruns the checks here (elsewhere it opens this screen).
func (v *Checks) OwnsKey(kp tea.KeyPressMsg) bool { return key.Matches(kp, v.c.Keys.Check) }

func (v *Checks) ID() kit.ID      { return v.id }
func (v *Checks) Title() string   { return "Health checks" }
func (v *Checks) Back() bool      { return v.tbl.ClearFilter() }
func (v *Checks) Capturing() bool { return v.tbl.Filtering() }

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
	case kit.ThemeMsg:
		v.tbl.SetStyles(kit.TableStyles(v.c.Theme))
		v.tbl.SetRows(v.rows())
		return nil
	case checksDone:
		v.running = false
		v.results = msg.results
		v.tbl.SetRows(v.rows())
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, v.c.Keys.Check) && !v.tbl.Filtering() {
			if v.running {
				return nil // one run at a time; its answer is on its way
			}
			return v.run()
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
		code := kit.Dash
		if r.Code != 0 {
			code = fmt.Sprint(r.Code)
		}
		lat := kit.Dash
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
	head := kit.Spread(t.Title.Render("HEALTH CHECKS"), summary, v.width)
	lines := []string{head}
	if v.height > 1 {
		lines = append(lines, v.tbl.View())
	}
	return strings.Join(lines, "\n")
}
