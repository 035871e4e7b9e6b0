package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// RulesCommand registers :rules, the seed's "Configure Alerts" button,
// read-only: the rules Prometheus evaluates.
func RulesCommand() kit.Command {
	return kit.Command{Name: "rules", Help: "list Prometheus' alerting and recording rules (read-only)", Aliases: []string{"alertrules"},
		Open: func(c kit.Common, _ string) (kit.Screen, error) { return newRules(c), nil }}
}

// rulesRefresh is how often the open list is asked again (rules are
// evaluated every few seconds, their state changes with them);
// rulesTimeout bounds one listing.
const (
	rulesRefresh = 10 * time.Second
	rulesTimeout = 20 * time.Second
)

// rulesListed is the list, or why there is none.
type rulesListed struct {
	rules []backend.Rule
	err   error
	at    time.Time
}

// Rules lists Prometheus' rules by group: state, active alerts, health of
// the last evaluation and when it was.
type Rules struct {
	*kit.TableView
	rules  []backend.Rule
	err    error
	loaded time.Time
	asked  time.Time
}

func newRules(c kit.Common) *Rules {
	cols := []table.Column{
		{Title: "GROUP", Width: 15, Drop: 2},
		{Title: "RULE", Width: 22},
		{Title: "STATE", Width: 10},
		{Title: "ACTIVE", Width: 6, Drop: 3},
		{Title: "HEALTH", Width: 6},
		{Title: "EVALUATED", Width: 10},
		{Title: "QUERY / LAST ERROR", Width: 16, Flex: true, Drop: 1},
	}
	v := &Rules{}
	v.TableView = kit.NewTableView(c, "Rules", "ALERT RULES", backend.FeedMetrics, cols,
		func(s backend.Snapshot) []table.Row { return ruleRows(c, v.rules, c.Clock(s)) })
	v.HeadingFn = func(backend.Snapshot) string {
		h := c.Theme.Title.Render("ALERT RULES")
		switch {
		case v.err != nil:
			return h + "  " + c.Theme.Down.Render("✖ "+kit.Sanitize(v.err.Error()))
		case v.loaded.IsZero():
			return h + "  " + c.Theme.Subtle.Render("loading…")
		}
		return h + "  " + c.Theme.Subtle.Render(v.counts()+" · as of "+v.loaded.UTC().Format("15:04:05"))
	}
	return v
}

// counts sums the list up: "7 rules · 2 firing · 1 pending · 1 failing".
func (v *Rules) counts() string {
	var firing, pending, failing int
	for _, r := range v.rules {
		switch r.State {
		case "firing":
			firing++
		case "pending":
			pending++
		}
		if r.Health == "err" {
			failing++
		}
	}
	out := []string{kit.Plural(len(v.rules), "rule")}
	for _, p := range []struct {
		n    int
		word string
	}{{firing, "firing"}, {pending, "pending"}, {failing, "failing"}} {
		if p.n > 0 {
			out = append(out, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	return strings.Join(out, " · ")
}

// Init asks for the list as soon as the screen is open.
func (v *Rules) Init() tea.Cmd { return v.request() }

// SetSnapshot keeps the rows: they come from Prometheus' rules API, not
// the snapshot; the snapshot still drives the clock of "EVALUATED".
func (v *Rules) SetSnapshot(s backend.Snapshot) {
	v.Snap = s
	if !v.loaded.IsZero() && v.err == nil {
		v.Table.SetRows(ruleRows(v.C, v.rules, v.C.Clock(s)))
	}
}

func (v *Rules) request() tea.Cmd {
	v.asked = v.C.Now()
	lister, clock := v.C.Deps.Rules, v.C.Now
	return kit.Ask(v.ID(), rulesTimeout, func(ctx context.Context) tea.Msg {
		if lister == nil {
			return rulesListed{err: errors.New("no Prometheus configured (sources.prometheus)"), at: clock()}
		}
		rs, err := lister.Rules(ctx)
		return rulesListed{rules: rs, err: err, at: clock()}
	})
}

func (v *Rules) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rulesListed:
		v.err, v.loaded = msg.err, msg.at
		if msg.err == nil {
			v.rules = msg.rules
			v.Table.SetRows(ruleRows(v.C, msg.rules, msg.at))
		}
		return nil
	case kit.TickMsg:
		if v.C.Now().Sub(v.asked) >= rulesRefresh {
			return v.request()
		}
		return nil
	}
	return v.TableView.Update(msg)
}

func ruleRows(c kit.Common, rs []backend.Rule, now time.Time) []table.Row {
	rows := make([]table.Row, 0, len(rs))
	for _, r := range rs {
		state, style := strings.ToUpper(r.State), c.Theme.Subtle
		switch r.State {
		case "firing":
			style = c.Theme.Down
		case "pending":
			style = c.Theme.Warn
		case "inactive":
			style = c.Theme.OK
		case "":
			state = "RECORDING"
		}
		health, hstyle, text := strings.ToUpper(r.Health), c.Theme.OK, r.Query
		if r.Health != "ok" {
			hstyle = c.Theme.Warn
		}
		if r.Health == "err" {
			hstyle, text = c.Theme.Down, "✖ "+r.LastError
		}
		active := "–"
		if r.Kind == backend.RuleAlerting {
			active = fmt.Sprint(r.Active)
		}
		evaluated := "never"
		if !r.LastEvaluation.IsZero() {
			evaluated = kit.Ago(now, r.LastEvaluation) + " ago"
		}
		rows = append(rows, table.Row{Key: r.Group + "/" + r.Name, Cells: []table.Cell{
			{Text: r.Group},
			{Text: r.Name},
			{Text: state, Style: style},
			{Text: active, Num: float64(r.Active), IsNum: true},
			{Text: health, Style: hstyle},
			{Text: evaluated, Num: float64(r.LastEvaluation.Unix()), IsNum: true},
			{Text: strings.Join(strings.Fields(text), " ")},
		}})
	}
	return rows
}
