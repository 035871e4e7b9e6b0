package config

import (
	"testing"
	"time"
)

// The demo carries the seed's five contacts, with the hours it gives.
func TestDefaultContacts(t *testing.T) {
	book := Default().Contacts
	if len(book) != 5 {
		t.Fatalf("%d contacts, want the seed's 5: %+v", len(book), book)
	}
	lead, ok := book.ByRole("devops_lead")
	if !ok || lead.Name != "DevOps Lead" || lead.OnCall.String() != "Mon–Fri 9–17 Europe/Berlin" || lead.Fallback != "infra_team" {
		t.Errorf("DevOps Lead: %+v (hours %q)", lead, lead.OnCall)
	}
	if dba, _ := book.ByRole("db_admin"); !dba.OnCall.Always {
		t.Errorf("Database Admin not 24/7: %+v", dba)
	}
	saturday := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	if got, want := book.Reach("devops_lead", saturday).Advice(), "DevOps Lead is off hours (Mon–Fri 9–17 Europe/Berlin): call Infrastructure, devops@manacore.app"; got != want {
		t.Errorf("Saturday: %q, want %q", got, want)
	}
}

// Days and hours in their other spellings.
func TestContactHoursForms(t *testing.T) {
	src := minimal + `contacts:
  - name: Night Desk
    role: night
    phone: "1"
    on_call: {days: "fri-mon", hours: "22:30-6", time_zone: UTC}
  - name: Weekend
    role: weekend
    email: w@example.com
    on_call: {days: "sat,sun", hours: "0-24", time_zone: America/New_York}
`
	c, err := Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Contacts[0].OnCall.String(); got != "Mon, Fri–Sun 22:30–6 UTC" {
		t.Errorf("night desk hours %q", got)
	}
	if got := c.Contacts[1].OnCall.String(); got != "Sat–Sun 0–24 America/New_York" {
		t.Errorf("weekend hours %q", got)
	}
}
