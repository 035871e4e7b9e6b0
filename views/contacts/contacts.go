// Package contacts is the :contacts screen: the seed's Emergency Contacts,
// with who is on call now, computed from the clock in each contact's zone.
package contacts

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// Command registers :contacts.
func Command() kit.Command {
	return kit.Command{Name: "contacts", Help: "emergency contacts, and who is on call now", Aliases: []string{"oncall", "escalation"},
		Open: func(c kit.Common, _ string) (kit.Screen, error) { return New(c), nil }}
}

// Screen lists the configured contacts. The rows are the config's; the
// ON CALL column follows the clock, so it is recomputed on every tick.
type Screen struct {
	*kit.TableView
}

// New is the screen over c.Contacts.
func New(c kit.Common) *Screen {
	cols := []table.Column{
		{Title: "NAME", Width: 16, Fit: 30},
		{Title: "ON CALL", Width: 13},
		{Title: "HOURS", Width: 12, Flex: true},
		{Title: "REACH", Width: 18, Flex: true},
		{Title: "IF OFF HOURS", Width: 14, Drop: 1},
		{Title: "ROLE", Width: 14, Drop: 2},
	}
	v := &Screen{}
	v.TableView = kit.NewTableView(c, "Contacts", "EMERGENCY CONTACTS", "", cols,
		func(s backend.Snapshot) []table.Row { return rows(c, c.Clock(s)) })
	v.HeadingFn = func(s backend.Snapshot) string {
		h := c.Theme.Title.Render("EMERGENCY CONTACTS")
		if len(c.Contacts) == 0 {
			return h + "  " + c.Theme.Subtle.Render("none configured (contacts: in the config)")
		}
		return h + "  " + c.Theme.Subtle.Render("on call as of "+kit.Clock(c.Clock(s))+" UTC")
	}
	v.RowHelp = func() []key.Binding { return nil }
	return v
}

// Update redraws the ON CALL column as the clock moves.
func (v *Screen) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(kit.TickMsg); ok {
		v.Table.SetRows(rows(v.C, v.C.Clock(v.Snap)))
		return nil
	}
	return v.TableView.Update(msg)
}

func rows(c kit.Common, now time.Time) []table.Row {
	out := make([]table.Row, 0, len(c.Contacts))
	for _, ct := range c.Contacts {
		state, style := "○ off hours", c.Theme.Warn
		switch {
		case ct.OnCall.Always:
			state, style = "● 24/7", c.Theme.OK
		case !ct.OnCall.Known():
			state, style = "– no hours", c.Theme.Subtle
		case ct.OnCall.At(now):
			state, style = "● on call now", c.Theme.OK
		}
		fallback := ""
		if ct.Fallback != "" {
			if f, ok := c.Contacts.ByRole(ct.Fallback); ok {
				fallback = f.Name
			}
		}
		out = append(out, table.Row{Key: ct.Role, Cells: []table.Cell{
			{Text: ct.Name},
			{Text: state, Style: style},
			{Text: kit.OrDash(ct.OnCall.String())},
			{Text: ct.How()},
			{Text: kit.OrDash(fallback)},
			{Text: ct.Role},
		}})
	}
	return out
}
