package alerts

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Tab registers the alerts tab.
func Tab() kit.Tab {
	return kit.Tab{Name: "alerts", Title: "Alerts", Aliases: []string{"a", "al"}, New: New}
}

// New is the seed's ACTIVE ALERTS: severity, service, summary, state
// and since, firing before pending before silenced, newest first (the
// snapshot's order).
func New(c kit.Common) kit.Screen {
	v := newAlertsTable(c)
	find := func(s backend.Snapshot, row table.Row) (backend.Alert, bool) {
		for i, a := range s.Alerts {
			if alertKey(a, i) == row.Key {
				return a, true
			}
		}
		return backend.Alert{}, false
	}
	// l, r, R, s and S act on the alert's service, as on the services'
	// screens: the alert is where the engineer already is.
	v.ServiceOf = func(row table.Row) string {
		a, _ := find(v.Snap, row)
		return a.Service
	}
	v.Open = func(s backend.Snapshot, row table.Row) tea.Cmd {
		if a, ok := find(s, row); ok {
			return kit.Push(newDetail(c, a))
		}
		return nil
	}
	v.RowKey = func(s backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
		if a, ok := find(s, row); ok && key.Matches(kp, c.Keys.Silence) {
			return silenceCmd(a)
		}
		return nil
	}
	v.RowHelp = func() []key.Binding { return kit.Enabled(c.Keys.Silence) }
	return v
}

// silenceCmd asks to silence alerts like a: same alert name and, when the
// alert names one, the same service.
func silenceCmd(a backend.Alert) tea.Cmd {
	params := map[string]string{"match.alertname": a.Name}
	if a.Labels["alertname"] != "" {
		params["match.alertname"] = a.Labels["alertname"]
	}
	for _, l := range []string{"service", "job", "instance"} {
		if v := a.Labels[l]; v != "" {
			params["match."+l] = v
			break
		}
	}
	return kit.Act(backend.ActKindSilence, params["match.alertname"], params)
}

// silencedText is "until 14:34" of a silenced alert ("until 11-27 14:34"
// on another day than now), "silenced" when the silence's end is not known.
func silencedText(a backend.Alert, now time.Time) string {
	u := a.SilencedUntil.UTC()
	switch {
	case u.IsZero():
		return "silenced"
	case u.Format("2006-01-02") == now.UTC().Format("2006-01-02"):
		return "until " + u.Format("15:04")
	}
	return "until " + u.Format("01-02 15:04")
}

// ago is "5m ago", a dash when the start is not known.
func ago(now, since time.Time) string {
	if since.IsZero() {
		return kit.Dash
	}
	return kit.Ago(now, since) + " ago"
}

func alertKey(a backend.Alert, i int) string { return fmt.Sprintf("%s/%s/%d", a.Name, a.Service, i) }

func newAlertsTable(c kit.Common) *kit.TableView {
	t := c.Theme
	cols := []table.Column{
		{Title: "SEVERITY", Width: 10},
		{Title: "SERVICE", Width: 16, Fit: 40},
		{Title: "SUMMARY", Width: 28, Flex: true}, // the seed's "High Memory Usage (85% > 80%)" whole at 80 columns
		{Title: "STATE", Width: 8, Drop: 1},
		{Title: "SINCE", Width: 8, Right: true},
		// How long it has fired, read without subtracting clocks at 3 a.m.
		{Title: "AGE", Width: 7, Right: true, Drop: 2},
	}
	return kit.NewTableView(c, "Alerts", "ACTIVE ALERTS", backend.FeedAlerts, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Alerts))
		for i, a := range s.Alerts {
			st := kit.SeverityStatus(a.Severity)
			summary, state := table.Cell{Text: a.Summary}, table.Cell{Text: string(a.State)}
			if a.State == backend.AlertSilenced {
				// Still there, muted: say until when, where it is read first.
				summary.Text = silencedText(a, c.Now()) + " · " + a.Summary
				summary.Style, state.Style = t.Subtle, t.Subtle
			}
			rows = append(rows, table.Row{Key: alertKey(a, i), Cells: []table.Cell{
				{Text: kit.SeverityGlyph(a.Severity) + " " + strings.ToUpper(string(a.Severity)), Style: t.Status(st), Num: float64(-backend.SeverityRank(a.Severity)), IsNum: true},
				{Text: kit.OrDash(a.Service)},
				summary,
				state,
				{Text: kit.Clock(a.Since), Num: float64(a.Since.Unix()), IsNum: true},
				{Text: ago(s.At, a.Since), Num: float64(-a.Since.Unix()), IsNum: true},
			}})
		}
		return rows
	})
}
