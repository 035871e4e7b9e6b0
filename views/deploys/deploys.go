package deploys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Tab registers the deployments tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "deploys", Title: "Deploys", Aliases: []string{"deploy", "bg", "canary"},
		New: func(c kit.Common) kit.Screen { return New(c) }}
}

// historyRead is the audit log's content, or why there is none.
type historyRead struct {
	pairs []audit.Pair
	err   error
}

// historyRefresh is how often the shown tab re-reads the audit log;
// historyTimeout bounds one read.
const (
	historyRefresh = 10 * time.Second
	historyTimeout = 10 * time.Second
)

// Deploys is the blue/green view: per project a blue and a green row with
// versions, containers up, traffic share, when each went live and the
// canary gates, the verdict and the rollback window of the selected
// project underneath; T/P/B/D shift, promote, switch back, decommission.
type Deploys struct {
	*kit.TableView
	width, height int
	pairs         []audit.Pair
	hist          map[string][]deploy.Event // by project
	status        map[string]deploy.Status  // by project
	err           error
	asked         time.Time
	note          string // the last refusal, shown until the next key
	// What the tab watched of each project (gate breaks, the new colour's
	// health checks), when it last checked its health and whether a check
	// runs.
	watch       map[string]*deploy.Watch
	healthAsked map[string]time.Time
	checking    map[string]bool
	lastEval    time.Time // the last evaluation, to tell a pause in the watching
}

// DeploysFooter is the number of lines under the table: the verdict, the
// three steps before a promote, the last step or window, a refusal.
const deploysFooter = 6

// verdictLines is how many lines the verdict and its reason may take at
// width w: a second one below wideFooter columns, where the reason (what
// to do before the promote) no longer fits on one.
func verdictLines(w int) int {
	if w < wideFooter {
		return 2
	}
	return 1
}

const wideFooter = 120

// footerHeight is the lines under the table at width w.
func footerHeight(w int) int { return deploysFooter - 1 + verdictLines(w) }

// New builds the tab.
func New(c kit.Common) *Deploys {
	cols := []table.Column{
		{Title: "PROJECT", Width: 12, Fit: 30},
		{Title: "COLOUR", Width: 6},
		{Title: "VERSION", Width: 9},
		{Title: "UP", Width: 4, Right: true},
		{Title: "TRAFFIC", Width: 7, Right: true},
		{Title: "LIVE SINCE", Width: 16, Drop: 2},
		{Title: "ERR% (<)", Width: 12, Right: true},
		{Title: "P95 (<)", Width: 14, Right: true},
		{Title: "VERDICT", Width: 9, Flex: true, Drop: 1},
	}
	v := &Deploys{hist: map[string][]deploy.Event{}, status: map[string]deploy.Status{},
		watch: map[string]*deploy.Watch{}, healthAsked: map[string]time.Time{}, checking: map[string]bool{}}
	v.TableView = kit.NewTableView(c, "Deploys", "DEPLOYMENTS (BLUE/GREEN)", backend.FeedMetrics, cols, v.rows)
	v.Open = func(_ backend.Snapshot, row table.Row) tea.Cmd {
		project, _, _ := strings.Cut(row.Key, "/")
		return kit.Push(newDeployHistory(c, project, v.hist[project]))
	}
	v.RowKey = v.key
	v.RowHelp = func() []key.Binding {
		k := c.Keys
		return kit.Enabled(k.ShiftTraffic, k.Migrate, k.Promote, k.SwitchBack, k.Decommission)
	}
	return v
}

// Activate asks for the history (and the canaries' health) when the tab
// is shown.
func (v *Deploys) Activate() tea.Cmd { return tea.Batch(v.request(), v.healthRequests()) }

func (v *Deploys) request() tea.Cmd {
	read := v.C.Deps.AuditPairs
	if len(v.C.Deployments) == 0 || read == nil {
		return nil
	}
	v.asked = v.C.Now()
	return kit.Ask(v.ID(), historyTimeout, func(ctx context.Context) tea.Msg {
		pairs, err := read(ctx)
		return historyRead{pairs: pairs, err: err}
	})
}

func (v *Deploys) SetSize(w, h int) {
	v.TableView.SetSize(w, max(h-footerHeight(w), 1))
	v.width, v.height = w, h
}

func (v *Deploys) SetSnapshot(s backend.Snapshot) {
	v.Snap = s
	v.evaluate()
}

// evaluate recomputes every project's history and status, and notes a
// canary gate seen broken: its monitor clock starts again after it.
func (v *Deploys) evaluate() {
	now := v.C.Now()
	v.rewatch(now)
	for _, spec := range v.C.Deployments {
		h := deploy.History(spec, v.pairs, v.Snap)
		v.hist[spec.Project] = h
		w := v.watchOf(spec.Project, now)
		st := deploy.EvaluateWatched(spec, v.Snap, h, *w, now)
		if st.Monitor.Broken {
			w.BrokeAt = now
		}
		v.status[spec.Project] = st
	}
	v.Table.SetRows(v.rows(v.Snap))
}

func (v *Deploys) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case historyRead:
		v.err = msg.err
		if msg.err == nil {
			v.pairs = msg.pairs
		}
		v.evaluate()
		return v.healthRequests()
	case healthRead:
		v.healthRecorded(msg)
		v.evaluate()
		return nil
	case kit.ActionEndedMsg:
		return tea.Batch(v.request(), v.healthRequests())
	case kit.TickMsg:
		v.evaluate() // the monitor and the rollback window count down
		var cmd tea.Cmd
		if v.C.Now().Sub(v.asked) >= historyRefresh {
			cmd = v.request()
		}
		return tea.Batch(cmd, v.healthRequests())
	case tea.KeyPressMsg:
		v.note = ""
	}
	return v.TableView.Update(msg)
}

func (v *Deploys) rows(backend.Snapshot) []table.Row {
	t := v.C.Theme
	var rows []table.Row
	for _, spec := range v.C.Deployments {
		st := v.status[spec.Project]
		for i, e := range st.Envs {
			project, verdict := "", table.Cell{}
			if i == 0 {
				project = spec.Project
			}
			if e.Colour == st.Candidate || (st.Candidate == "" && i == 0) {
				verdict = verdictCell(v.C, st.Verdict)
				if m := st.Monitor; m.Active && !m.Broken && m.Left > 0 {
					verdict.Text += " " + deploy.Countdown(m.Left) // the monitor's countdown
				}
			}
			style := t.Subtle
			if e.Running() {
				style = t.Text
			}
			rows = append(rows, table.Row{Key: spec.Project + "/" + e.Colour, Cells: []table.Cell{
				{Text: project},
				{Text: e.Colour, Style: style},
				{Text: kit.OrDash(e.Version())},
				{Text: fmt.Sprintf("%d/%d", e.Up, e.Total), Num: float64(e.Up), IsNum: true},
				{Text: kit.Pct1(e.Share), Num: e.Share.V, IsNum: true}, // one format for both colours: 90.3% and 9.7%
				{Text: since(v.C.Now(), e.LiveSince)},
				gateCell(v.C, e.Gates[0]),
				gateCell(v.C, e.Gates[1]),
				verdict,
			}})
		}
	}
	return rows
}

func since(now, t time.Time) string {
	if t.IsZero() {
		return kit.Dash
	}
	return t.UTC().Format("01-02 15:04") + " " + kit.Ago(now, t)
}

func gateCell(c kit.Common, g deploy.Gate) table.Cell {
	limit := fmt.Sprintf("%g%s", g.Limit, g.Unit)
	if g.Unit == "ms" && g.Limit >= 1000 {
		limit = fmt.Sprintf("%gs", g.Limit/1000)
	}
	if !g.Known() {
		return table.Cell{Text: kit.Dash + " <" + limit, Style: c.Theme.Subtle}
	}
	val := fmt.Sprintf("%.2f", g.Value.V)
	if g.Unit == "ms" {
		val = fmt.Sprintf("%.0fms", g.Value.V)
	}
	mark, style := "✓", c.Theme.OK
	if !g.Pass() {
		mark, style = "✗", c.Theme.Down
	}
	return table.Cell{Text: val + " " + mark + "<" + limit, Style: style, Num: g.Value.V, IsNum: true}
}

func verdictCell(c kit.Common, v deploy.Verdict) table.Cell {
	style := c.Theme.Warn
	switch v {
	case deploy.VerdictPromote:
		style = c.Theme.OK
	case deploy.VerdictRollback:
		style = c.Theme.Down
	}
	return table.Cell{Text: strings.ToUpper(string(v)), Style: style}
}

func (v *Deploys) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	if len(v.C.Deployments) == 0 {
		return kit.FitLine(v.C.Theme.Title.Render("DEPLOYMENTS (BLUE/GREEN)"), v.width) + "\n" +
			kit.FitLine(v.C.Theme.Subtle.Render("no blue/green deployments configured (config: deployments:)"), v.width)
	}
	return v.TableView.View() + "\n" + strings.Join(v.footerLines(), "\n")
}

// footerLines are the selected project's verdict and reason, the steps
// before a promote while a canary runs, its rollback window or last step,
// and a refusal or the history's state.
func (v *Deploys) footerLines() []string {
	t := v.C.Theme
	lines := make([]string, deploysFooter)
	row, ok := v.Table.Selected()
	if !ok {
		return make([]string, footerHeight(v.width))
	}
	project, _, _ := strings.Cut(row.Key, "/")
	st := v.status[project]
	// The reason says what to do before a promote: wrapped, not cut,
	// where the terminal is narrow.
	word := strings.ToUpper(string(st.Verdict))
	reason := kit.Wrap(kit.Sanitize(st.Reason), max(v.width-len(word)-2, 10))
	verdict := []string{kit.FitLine(verdictCell(v.C, st.Verdict).Style.Render(word)+"  "+t.Text.Render(reason[0]), v.width)}
	if n := verdictLines(v.width); n > 1 {
		rest := ""
		if len(reason) > 1 {
			rest = strings.Repeat(" ", len(word)+2) + t.Text.Render(strings.Join(reason[1:], " "))
		}
		verdict = append(verdict, kit.FitLine(rest, v.width))
	}
	flow := v.flowLines(project, st)
	copy(lines[1:4], flow[:])
	const last, note = 4, 5
	switch {
	case st.WindowLeft > 0:
		lines[last] = t.Warn.Render(kit.Sanitize(fmt.Sprintf("rollback window %s left · cutover %s · %s keeps running",
			st.WindowLeft.Truncate(time.Second), st.CutoverAt.UTC().Format("15:04:05"), st.Stable)))
	case len(v.hist[project]) > 0:
		e := v.hist[project][0]
		// Versions and users come from the audit log and containers.
		lines[last] = t.Subtle.Render(kit.Sanitize(fmt.Sprintf("last: %s %s %s %s by %s · %s · enter: history", kit.Stamp(e.At), e.Step, e.Colour,
			e.Version, kit.OrDash(e.User), e.Result)))
	}
	if st.SplitFrom != "" {
		lines[last] += t.Subtle.Render(" · split from " + st.SplitFrom)
	}
	lines[last] = kit.FitLine(lines[last], v.width)
	switch {
	case v.note != "":
		lines[note] = t.Down.Render("✖ " + kit.Sanitize(v.note))
	case v.err != nil:
		lines[note] = t.Down.Render("history: " + kit.Sanitize(v.err.Error()))
	}
	lines[note] = kit.FitLine(lines[note], v.width)
	return append(verdict, lines[1:]...)
}
