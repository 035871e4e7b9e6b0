package alerts

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// SilencesCommand registers :silences.
func SilencesCommand() kit.Command {
	return kit.Command{Name: "silences", Help: "list Alertmanager silences (X expires one)", Aliases: []string{"sil", "silence"},
		Open: func(c kit.Common, _ string) (kit.Screen, error) { return newSilences(c), nil }}
}

// silencesRefresh is how often the open list is asked again;
// silencesTimeout bounds one listing.
const (
	silencesRefresh = 10 * time.Second
	silencesTimeout = 20 * time.Second
)

// silencesListed is the list, or why there is none.
type silencesListed struct {
	silences []backend.Silence
	err      error
	at       time.Time
}

// Silences lists Alertmanager's silences, active first; X expires one.
type Silences struct {
	*kit.TableView
	silences []backend.Silence // the last list read
	err      error
	loaded   time.Time
	asked    time.Time
}

func newSilences(c kit.Common) *Silences {
	cols := []table.Column{
		{Title: "STATE", Width: 8},
		{Title: "MATCHERS", Width: 24, Flex: true},
		{Title: "UNTIL", Width: 17},
		{Title: "BY", Width: 10, Drop: 2},
		{Title: "COMMENT", Width: 16, Flex: true, Drop: 1},
	}
	v := &Silences{}
	v.TableView = kit.NewTableView(c, "Silences", "SILENCES", backend.FeedAlerts, cols,
		func(backend.Snapshot) []table.Row { return silenceRows(c, v.silences) })
	v.RowKey = func(_ backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
		if key.Matches(kp, c.Keys.Expire) {
			return kit.Act(backend.ActKindExpire, row.Key, nil)
		}
		return nil
	}
	v.RowHelp = func() []key.Binding { return kit.Enabled(c.Keys.Expire) }
	v.HeadingFn = func(backend.Snapshot) string {
		h := c.Theme.Title.Render("SILENCES")
		switch {
		case v.err != nil:
			return h + "  " + c.Theme.Down.Render("✖ "+kit.Sanitize(v.err.Error()))
		case v.loaded.IsZero():
			return h + "  " + c.Theme.Subtle.Render("loading…")
		}
		return h + "  " + c.Theme.Subtle.Render("as of "+v.loaded.UTC().Format("15:04:05"))
	}
	return v
}

// Init asks for the list as soon as the screen is open.
func (v *Silences) Init() tea.Cmd { return v.request() }

// SetSnapshot keeps the rows: they come from Alertmanager, not the snapshot.
func (v *Silences) SetSnapshot(s backend.Snapshot) { v.Snap = s }

func (v *Silences) request() tea.Cmd {
	v.asked = v.C.Now()
	lister, clock := v.C.Deps.Silences, v.C.Now
	return kit.Ask(v.ID(), silencesTimeout, func(ctx context.Context) tea.Msg {
		if lister == nil {
			return silencesListed{err: errors.New("no Alertmanager configured (sources.alertmanager)"), at: clock()}
		}
		ss, err := lister.Silences(ctx)
		return silencesListed{silences: ss, err: err, at: clock()}
	})
}

func (v *Silences) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case silencesListed:
		v.err, v.loaded = msg.err, msg.at
		if msg.err == nil {
			v.silences = msg.silences
			v.Rebuild()
		}
		return nil
	case kit.TickMsg:
		if v.C.Now().Sub(v.asked) >= silencesRefresh {
			return v.request()
		}
		return nil
	case kit.ActionEndedMsg:
		if k := msg.Action.Kind; k == backend.ActKindExpire || k == backend.ActKindSilence {
			return v.request()
		}
		return nil
	}
	return v.TableView.Update(msg)
}

func silenceRows(c kit.Common, ss []backend.Silence) []table.Row {
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
