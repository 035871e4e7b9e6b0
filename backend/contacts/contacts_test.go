package contacts

import (
	"testing"
	"time"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func weekdays(from, to time.Duration, loc *time.Location) OnCall {
	return OnCall{Days: [7]bool{false, true, true, true, true, true, false}, From: from, To: to, Zone: loc}
}

func TestOnCallHoursInTheirZone(t *testing.T) {
	loc := berlin(t)
	o := weekdays(9*time.Hour, 17*time.Hour, loc)
	for _, c := range []struct {
		at   string // UTC
		want bool
	}{
		{"2026-12-07T08:00:00Z", true},  // Monday 09:00 in Berlin (UTC+1)
		{"2026-12-07T07:59:59Z", false}, // 08:59:59 there
		{"2026-12-07T15:59:00Z", true},  // 16:59
		{"2026-12-07T16:00:00Z", false}, // 17:00: the hours end
		{"2026-12-05T10:00:00Z", false}, // Saturday
		{"2026-07-06T07:30:00Z", true},  // a Monday in summer: 09:30 CEST (UTC+2)
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if got := o.At(at); got != c.want {
			t.Errorf("%s (%s in Berlin): on call %v, want %v", c.at, at.In(loc).Format("Mon 15:04"), got, c.want)
		}
	}
	if got := o.String(); got != "Mon–Fri 9–17 Europe/Berlin" {
		t.Errorf("hours %q", got)
	}
	night := OnCall{Days: [7]bool{false, true, false, false, false, false, false}, From: 22 * time.Hour, To: 6 * time.Hour, Zone: time.UTC}
	mon23, _ := time.Parse(time.RFC3339, "2026-12-07T23:00:00Z")
	tue05, _ := time.Parse(time.RFC3339, "2026-12-08T05:00:00Z")
	tue23, _ := time.Parse(time.RFC3339, "2026-12-08T23:00:00Z")
	if !night.At(mon23) || !night.At(tue05) || night.At(tue23) {
		t.Errorf("overnight Monday 22–6: Mon 23:00 %v, Tue 05:00 %v, Tue 23:00 %v; want true, true, false", night.At(mon23), night.At(tue05), night.At(tue23))
	}
	if (OnCall{}).Known() || (OnCall{}).At(mon23) || !(OnCall{Always: true}).At(mon23) {
		t.Error("no hours must be unknown and never on call; 24/7 always")
	}
}

func TestReachFallsBackWhenOffHours(t *testing.T) {
	loc := berlin(t)
	book := Book{
		{Name: "DevOps Lead", Role: "devops-lead", Phone: "+49 30 1", OnCall: weekdays(9*time.Hour, 17*time.Hour, loc), Fallback: "infrastructure"},
		{Name: "Infrastructure", Role: "infrastructure", Email: "devops@manacore.app"},
		{Name: "Database Admin", Role: "dba", Phone: "+49 30 2", OnCall: OnCall{Always: true}},
		{Name: "Night Shift", Role: "night", OnCall: weekdays(1*time.Hour, 2*time.Hour, loc), Fallback: "night"},
	}
	monday, _ := time.Parse(time.RFC3339, "2026-12-07T10:00:00Z")
	saturday, _ := time.Parse(time.RFC3339, "2026-12-05T10:00:00Z")
	for _, c := range []struct {
		role string
		at   time.Time
		want string
	}{
		{"devops-lead", monday, "call DevOps Lead, on call now (Mon–Fri 9–17 Europe/Berlin): +49 30 1"},
		{"devops-lead", saturday, "DevOps Lead is off hours (Mon–Fri 9–17 Europe/Berlin): call Infrastructure, devops@manacore.app"},
		{"dba", saturday, "call Database Admin, on call 24/7: +49 30 2"},
		{"infrastructure", saturday, "call Infrastructure: devops@manacore.app"},
		// A fallback chain that loops ends rather than spins.
		{"night", saturday, "Night Shift is off hours (Mon–Fri 1–2 Europe/Berlin) and no fallback is on call"},
		{"cto", saturday, ""},
	} {
		if got := book.Reach(c.role, c.at).Advice(); got != c.want {
			t.Errorf("%s at %s:\n got  %q\n want %q", c.role, c.at.Format(time.RFC3339), got, c.want)
		}
	}
}
