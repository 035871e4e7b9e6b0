package alerts

import (
	"fmt"
	"strings"

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
// and since, firing before pending, newest first (the snapshot's order).
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

func alertKey(a backend.Alert, i int) string { return fmt.Sprintf("%s/%s/%d", a.Name, a.Service, i) }

func newAlertsTable(c kit.Common) *kit.TableView {
	t := c.Theme
	cols := []table.Column{
		{Title: "SEVERITY", Width: 10},
		{Title: "SERVICE", Width: 16},
		{Title: "SUMMARY", Width: 20, Flex: true},
		{Title: "STATE", Width: 7, Drop: 1},
		{Title: "SINCE", Width: 8, Right: true},
	}
	return kit.NewTableView(c, "Alerts", "ACTIVE ALERTS", backend.FeedAlerts, cols, func(s backend.Snapshot) []table.Row {
		rows := make([]table.Row, 0, len(s.Alerts))
		for i, a := range s.Alerts {
			st := kit.SeverityStatus(a.Severity)
			rows = append(rows, table.Row{Key: alertKey(a, i), Cells: []table.Cell{
				{Text: kit.SeverityGlyph(a.Severity) + " " + strings.ToUpper(string(a.Severity)), Style: t.Status(st), Num: float64(-backend.SeverityRank(a.Severity)), IsNum: true},
				{Text: kit.OrDash(a.Service)},
				{Text: a.Summary},
				{Text: string(a.State)},
				{Text: kit.Clock(a.Since), Num: float64(a.Since.Unix()), IsNum: true},
			}})
		}
		return rows
	})
}
