//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// :contacts lists the seed's five emergency contacts with who is on call
// at the console's clock, in each contact's zone: the DevOps Lead on a
// Monday at 10:00 in Berlin, not on a Saturday, when the list names
// Infrastructure to call instead; the Database Admin always.
func TestContactsOnCallNow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, clock, lead string
		fallback          bool
	}{
		{"monday", "2026-12-07T09:00:00Z", "● on call now", false},
		{"saturday", "2026-12-05T12:00:00Z", "○ off hours", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			con := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 160, Height: 30, Args: []string{"--clock", c.clock}})
			con.WaitFor("SYSTEM HEALTH OVERVIEW")
			con.Type(":contacts")
			con.Keys("enter")
			con.WaitFor("EMERGENCY CONTACTS  on call as of")
			s := con.Screen()
			lead := tableRow(s, "DevOps Lead")
			for _, want := range []string{c.lead, "Mon–Fri 9–17 Europe/Berlin", "+XX XXX XXX XXXX", "Infrastructure", "devops_lead"} {
				if !strings.Contains(lead, want) {
					t.Errorf("DevOps Lead row %q lacks %q", lead, want)
				}
			}
			if dba := tableRow(s, "Database Admin"); !strings.Contains(dba, "● 24/7") {
				t.Errorf("Database Admin row %q, want on call 24/7", dba)
			}
			for _, name := range []string{"Infrastructure", "Security Team", "Status Page"} {
				if tableRow(s, name) == "" {
					t.Errorf("no row for %s:\n%s", name, s)
				}
			}
			if strings.Contains(s, "○ off hours") != c.fallback {
				t.Errorf("off hours shown %v, want %v:\n%s", !c.fallback, c.fallback, s)
			}
		})
	}
}
