package databases

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

// detailRefresh is how often the open detail reads again; detailTimeout
// bounds one reading (two psql runs over SSH).
const (
	detailRefresh = 10 * time.Second
	detailTimeout = 30 * time.Second
)

// inspected is a reading of the database, or why there is none.
type inspected struct {
	in  backend.DBInsight
	err error
	at  time.Time
}

// Detail is one database: the seed's "View Slow Queries" (the top
// statements by mean time) over its "Connection Pool Analysis" (sessions
// by state, application and client, and those holding the pool longest).
// tab moves between the two lists, r reads again.
type Detail struct {
	c    kit.Common
	id   kit.ID
	name string
	snap backend.Snapshot

	in      backend.DBInsight
	loaded  time.Time // when the shown reading arrived; zero: none yet
	err     error     // the last reading's failure
	errAt   time.Time
	pending bool
	asked   time.Time

	stmts, sess *table.Model
	focus       int // 0 statements, 1 sessions

	keyRefresh, keyFocus key.Binding
	width, height        int
}

// NewDetail is the detail of database name; it reads when opened.
func NewDetail(c kit.Common, name string) *Detail {
	st := kit.TableStyles(c.Theme)
	stmts := table.New([]table.Column{
		{Title: "MEAN", Width: 8, Right: true},
		{Title: "CALLS", Width: 7, Right: true},
		{Title: "TOTAL", Width: 8, Right: true, Drop: 2},
		{Title: "ROWS", Width: 9, Right: true, Drop: 1},
		{Title: "QUERY", Width: 20, Flex: true},
	}, c.Keys, st)
	sess := table.New([]table.Column{
		{Title: "PID", Width: 6, Right: true, Drop: 2},
		{Title: "STATE", Width: 12},
		{Title: "AGE", Width: 7, Right: true},
		{Title: "APP", Width: 15},
		{Title: "CLIENT", Width: 12, Drop: 1},
		{Title: "WAITING", Width: 18, Drop: 3},
		{Title: "QUERY", Width: 16, Flex: true},
	}, c.Keys, st)
	return &Detail{c: c, id: c.NewID(), name: name, stmts: stmts, sess: sess,
		keyRefresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read again")),
		keyFocus:   key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "slow queries / pool")),
	}
}

func (v *Detail) ID() kit.ID    { return v.id }
func (v *Detail) Title() string { return kit.Sanitize(v.name) }

// Init reads the database as soon as the detail is open.
func (v *Detail) Init() tea.Cmd { return v.request() }

func (v *Detail) request() tea.Cmd {
	v.pending, v.asked = true, v.c.Now()
	insp, clock, name := v.c.Deps.Databases, v.c.Now, v.name
	return kit.Ask(v.id, detailTimeout, func(ctx context.Context) tea.Msg {
		if insp == nil {
			return inspected{err: errors.New("no psql connection configured for this database (databases[].psql)"), at: clock()}
		}
		in, err := insp.Inspect(ctx, name)
		return inspected{in: in, err: err, at: clock()}
	})
}

func (v *Detail) focused() *table.Model {
	if v.focus == 1 {
		return v.sess
	}
	return v.stmts
}

// Back clears a filter of either list before esc closes the detail.
func (v *Detail) Back() bool      { return v.stmts.ClearFilter() || v.sess.ClearFilter() }
func (v *Detail) Capturing() bool { return v.stmts.Filtering() || v.sess.Filtering() }

// OwnsKey: r reads again here, where nothing can be restarted (elsewhere
// r restarts a service, and a read-only console refuses it).
func (v *Detail) OwnsKey(kp tea.KeyPressMsg) bool {
	return !v.Capturing() && key.Matches(kp, v.keyRefresh)
}

func (v *Detail) ShortHelp() []key.Binding {
	k := v.c.Keys
	return []key.Binding{v.keyRefresh, v.keyFocus, k.Filter, k.Sort, k.Back}
}

func (v *Detail) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.c.Keys.Reverse}}
}

func (v *Detail) SetSnapshot(s backend.Snapshot) { v.snap = s }

func (v *Detail) SetSize(w, h int) {
	v.width, v.height = w, h
	v.layout()
}

func (v *Detail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.ThemeMsg:
		st := kit.TableStyles(v.c.Theme)
		v.stmts.SetStyles(st)
		v.sess.SetStyles(st)
		if !v.loaded.IsZero() {
			v.sess.SetRows(sessionRows(v.c.Theme, v.in)) // the states' colours
		}
		return nil
	case inspected:
		v.pending = false
		if msg.err != nil {
			v.err, v.errAt = msg.err, msg.at
			return nil
		}
		v.in, v.loaded, v.err = msg.in, msg.at, nil
		v.stmts.SetRows(statementRows(msg.in))
		v.sess.SetRows(sessionRows(v.c.Theme, msg.in))
		v.layout()
		return nil
	case kit.TickMsg:
		if !v.pending && v.c.Now().Sub(v.asked) >= detailRefresh {
			return v.request()
		}
		return nil
	case tea.KeyPressMsg:
		if !v.Capturing() {
			switch {
			case key.Matches(msg, v.keyRefresh):
				if v.pending {
					return nil // one reading at a time; its answer is on its way
				}
				return v.request()
			case key.Matches(msg, v.keyFocus):
				v.focus = 1 - v.focus
				return nil
			}
		}
	}
	_, cmd := v.focused().Update(msg)
	return cmd
}

// fixedLines are the detail's lines outside the two lists: the title,
// both headings, the three groups and the selected query (two lines).
const fixedLines = 8

// layout shares the height between the lists: each gets what it needs
// (its header and rows) up to half of what there is, and what the other
// leaves over; room neither needs stays below the selected query.
func (v *Detail) layout() {
	room := max(v.height-fixedLines, 2)
	need := func(t *table.Model) int { return max(t.Len(), 1) + 1 }
	a := min(need(v.stmts), max(room/2, room-need(v.sess)))
	v.stmts.SetSize(v.width, max(a, 1))
	v.sess.SetSize(v.width, max(min(room-a, need(v.sess)), 1))
}

func statementRows(in backend.DBInsight) []table.Row {
	rows := make([]table.Row, 0, len(in.Statements))
	for i, s := range in.Statements {
		rows = append(rows, table.Row{Key: fmt.Sprint(i, s.Query), Cells: []table.Cell{
			{Text: millis(s.MeanMS), Num: s.MeanMS, IsNum: true},
			{Text: kit.Thousands(float64(s.Calls)), Num: float64(s.Calls), IsNum: true},
			{Text: millis(s.TotalMS), Num: s.TotalMS, IsNum: true},
			{Text: kit.Thousands(float64(s.Rows)), Num: float64(s.Rows), IsNum: true},
			{Text: kit.Sanitize(s.Query)},
		}})
	}
	return rows
}

// holding are the sessions running a query or holding a transaction,
// longest first: who holds the pool. Idle ones are only counted.
func holding(in backend.DBInsight) []backend.Session {
	var out []backend.Session
	for _, s := range in.Sessions {
		if s.State != backend.SessionIdle && s.State != "" {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b backend.Session) int { return cmp.Compare(b.Age(in.At), a.Age(in.At)) })
	return out
}

func sessionRows(t *theme.Theme, in backend.DBInsight) []table.Row {
	ss := holding(in)
	rows := make([]table.Row, 0, len(ss))
	for _, s := range ss {
		age := s.Age(in.At)
		st, style := kit.Sanitize(s.State), t.Subtle
		switch {
		case s.IdleInTransaction():
			// Said in words, not in colour alone: the one an on-call
			// engineer looks for.
			st, style = "⚠ idle in tx", t.Warn
			if s.State == backend.SessionIdleInTxAbort {
				st = "⚠ aborted tx"
			}
		case s.State == backend.SessionActive:
			style = t.OK
			if age >= time.Minute {
				style = t.Warn
			}
		}
		rows = append(rows, table.Row{Key: fmt.Sprint(s.PID), Cells: []table.Cell{
			{Text: fmt.Sprint(s.PID), Num: float64(s.PID), IsNum: true},
			{Text: st, Style: style},
			{Text: duration(age), Num: float64(age), IsNum: true},
			{Text: kit.OrDash(kit.Sanitize(s.Application))},
			{Text: kit.OrDash(kit.Sanitize(s.Client))},
			{Text: kit.OrDash(kit.Sanitize(s.WaitEvent)), Style: t.Subtle},
			{Text: kit.Sanitize(s.Query)},
		}})
	}
	return rows
}

// millis is a time in milliseconds as a person reads it: "0.42 ms",
// "312 ms", "1.6 s", "4m12s".
func millis(ms float64) string {
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	case ms < 60_000:
		return fmt.Sprintf("%.1f s", ms/1000)
	}
	return duration(time.Duration(ms * float64(time.Millisecond)))
}

// duration is an age: "0.4s", "12s", "4m12s", "2h03m".
func duration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// status says how fresh the reading is: loading, as of when, or why it
// failed (stale, with the last good one still shown).
func (v *Detail) status() string {
	t := v.c.Theme
	now := v.c.Now()
	switch {
	case v.err != nil && v.loaded.IsZero():
		return t.Down.Render("✖ " + kit.Sanitize(v.err.Error()))
	case v.err != nil:
		return t.Warn.Render(fmt.Sprintf("stale %s · %s", kit.Ago(now, v.loaded), kit.Sanitize(v.err.Error())))
	case v.loaded.IsZero():
		return t.Subtle.Render("reading…")
	}
	s := fmt.Sprintf("%s · %s ago", kit.Sanitize(v.in.Source), kit.Ago(now, v.loaded))
	if v.pending {
		s += " · reading…"
	}
	return t.Subtle.Render(s)
}

func (v *Detail) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	w := v.width
	title := t.Title.Render("DATABASE " + strings.ToUpper(kit.Sanitize(v.name)))
	if p, ok := v.pool(); ok && p.Connections.Valid && p.MaxConnections.Valid {
		st := v.snap.Thresholds.PoolStatus(p)
		title += " " + t.Status(st).Render(fmt.Sprintf("%s %.0f/%.0f", theme.Dot(st), p.Connections.V, p.MaxConnections.V))
	}
	status := v.status()
	head := kit.Spread(title, status, w)
	if table.Width(title)+1+table.Width(status) > w {
		// Never dropped: the staleness leads it, so that part survives a cut.
		head = kit.FitLine(title+"  "+status, w)
	}
	lines := []string{head}
	if v.loaded.IsZero() {
		if v.err != nil {
			// Nothing to show yet: the whole reason, wrapped.
			for _, l := range kit.Wrap("✖ "+kit.Sanitize(v.err.Error()), w) {
				lines = append(lines, t.Down.Render(l))
			}
		}
		return strings.Join(lines, "\n")
	}
	lines = append(lines, kit.FitLine(v.heading(0, "SLOW QUERIES", v.statementsNote()), w))
	lines = append(lines, v.stmts.View())
	lines = append(lines, kit.FitLine(v.heading(1, "CONNECTION POOL", v.poolNote()), w))
	for _, g := range []struct {
		label string
		cs    []backend.Count
	}{{"by state ", v.in.ByState}, {"by app   ", v.in.ByApplication}, {"by client", v.in.ByClient}} {
		lines = append(lines, kit.FitLine(t.Subtle.Render(g.label)+" "+groupLine(g.cs), w))
	}
	lines = append(lines, v.sess.View())
	lines = append(lines, v.selectedQuery()...)
	return strings.Join(lines, "\n")
}

// heading marks the list that has the keys with ▸ (not colour alone).
func (v *Detail) heading(i int, name, note string) string {
	t := v.c.Theme
	mark := "  "
	if v.focus == i {
		mark = "▸ "
	}
	return mark + t.Title.Render(name) + "  " + note
}

func (v *Detail) statementsNote() string {
	t := v.c.Theme
	if v.in.StatementsErr != "" {
		return t.Warn.Render("✖ " + kit.Sanitize(v.in.StatementsErr))
	}
	return t.Subtle.Render(fmt.Sprintf("top %d by mean time · pg_stat_statements", len(v.in.Statements)))
}

func (v *Detail) poolNote() string {
	t := v.c.Theme
	n := backend.Total(v.in.ByState)
	idle := 0
	for _, c := range v.in.ByState {
		if c.Key == backend.SessionIdleInTx || c.Key == backend.SessionIdleInTxAbort {
			idle += c.N
		}
	}
	out := ""
	if idle > 0 {
		out = t.Warn.Render(fmt.Sprintf("⚠ %d idle in transaction", idle)) + t.Subtle.Render(" · ")
	}
	return out + t.Subtle.Render(fmt.Sprintf("%d of %d connections · pg_stat_activity", n, v.in.MaxConnections))
}

// groupLine is "idle 4 · active 3 · idle in transaction 1".
func groupLine(cs []backend.Count) string {
	if len(cs) == 0 {
		return kit.Dash
	}
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s %d", kit.OrDash(kit.Sanitize(c.Key)), c.N))
	}
	return strings.Join(parts, " · ")
}

// selectedQuery is the whole text of the focused list's selected row, on
// two lines at most: the list cuts it to its column.
func (v *Detail) selectedQuery() []string {
	w := v.width
	row, ok := v.focused().Selected()
	text := ""
	if ok {
		text = row.Cells[len(row.Cells)-1].Text
	}
	lines := kit.Wrap("› "+text, w)
	if !ok {
		lines = []string{""}
	}
	if len(lines) > 2 {
		lines = lines[:2]
		lines[1] = kit.FitLine(lines[1]+"…", w)
	}
	for len(lines) < 2 {
		lines = append(lines, "")
	}
	return lines
}

func (v *Detail) pool() (backend.DBPool, bool) {
	for _, p := range v.snap.Databases {
		if p.Name == v.name {
			return p, true
		}
	}
	return backend.DBPool{}, false
}
