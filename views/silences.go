package views

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/table"
)

// SilencesRequestMsg asks the root to list Alertmanager's silences.
type SilencesRequestMsg struct{}

// SilencesMsg is the list, or why there is none.
type SilencesMsg struct {
	Silences []backend.Silence
	Err      error
	At       time.Time
}

// silencesRefresh is how often the open list is asked again.
const silencesRefresh = 10 * time.Second

// Silences lists Alertmanager's silences, active first; X expires one.
type Silences struct {
	*tableView
	err    error
	loaded time.Time
	asked  time.Time
}

// OpenSilences pushes the silences list and asks for its content.
func OpenSilences(c Common) tea.Cmd {
	v := newSilences(c)
	return tea.Batch(func() tea.Msg { return PushMsg{View: v} }, v.request())
}

func newSilences(c Common) *Silences {
	cols := []table.Column{
		{Title: "STATE", Width: 8},
		{Title: "MATCHERS", Width: 24, Flex: true},
		{Title: "UNTIL", Width: 17},
		{Title: "BY", Width: 10, Drop: 2},
		{Title: "COMMENT", Width: 16, Flex: true, Drop: 1},
	}
	v := &Silences{}
	v.tableView = newTableView(c, "silences", "Silences", "SILENCES", backend.FeedAlerts, cols,
		func(backend.Snapshot) []table.Row { return nil })
	v.rowKey = func(_ backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
		if key.Matches(kp, c.Keys.Expire) {
			id := row.Key
			return func() tea.Msg { return ActionMsg{Kind: ActionExpire, Service: id} }
		}
		return nil
	}
	v.rowHelp = func() []key.Binding { return enabled(c.Keys.Expire) }
	v.headingFn = func(backend.Snapshot) string {
		h := c.Theme.Title.Render("SILENCES")
		switch {
		case v.err != nil:
			return h + "  " + c.Theme.Down.Render("✖ "+sanitize(v.err.Error()))
		case v.loaded.IsZero():
			return h + "  " + c.Theme.Subtle.Render("loading…")
		}
		return h + "  " + c.Theme.Subtle.Render("as of "+v.loaded.UTC().Format("15:04:05"))
	}
	return v
}

// SetSnapshot keeps the rows: they come from Alertmanager, not the snapshot.
func (v *Silences) SetSnapshot(s backend.Snapshot) { v.snap = s }

func (v *Silences) request() tea.Cmd {
	v.asked = v.c.Now()
	return func() tea.Msg { return SilencesRequestMsg{} }
}

func (v *Silences) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case SilencesMsg:
		v.err, v.loaded = msg.Err, msg.At
		if msg.Err == nil {
			v.tbl.SetRows(silenceRows(v.c, msg.Silences))
		}
		return nil
	case TickMsg, ActionOutcomeMsg:
		if v.c.Now().Sub(v.asked) >= silencesRefresh || isSilenceAction(msg) {
			return v.request()
		}
		return nil
	}
	return v.tableView.Update(msg)
}

func isSilenceAction(msg tea.Msg) bool {
	o, ok := msg.(ActionOutcomeMsg)
	return ok && (o.Action.Kind == backend.ActKindExpire || o.Action.Kind == backend.ActKindSilence)
}

func silenceRows(c Common, ss []backend.Silence) []table.Row {
	rows := make([]table.Row, 0, len(ss))
	for _, s := range ss {
		style := c.Theme.Subtle
		if s.State == "active" {
			style = c.Theme.Warn
		}
		rows = append(rows, table.Row{Key: s.ID, Cells: []table.Cell{
			{Text: strings.ToUpper(s.State), Style: style},
			{Text: s.Matchers},
			{Text: s.EndsAt.UTC().Format("01-02 15:04 UTC"), Num: float64(s.EndsAt.Unix()), IsNum: true},
			{Text: s.CreatedBy},
			{Text: s.Comment},
		}})
	}
	return rows
}
