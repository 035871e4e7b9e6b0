package incident

import (
	"fmt"
	"strings"
	"time"
)

// Markdown is the seed's COMMUNICATION TEMPLATE filled in from inc, then
// the POST-INCIDENT ACTIONS checklist and the escalations. now is used
// for the duration of an incident that is still open.
func Markdown(inc *Incident, now time.Time) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("Subject: [INCIDENT] %s", oneLine(inc.Title))
	line("")
	line("- **Status:** %s", inc.Status.Word())
	line("- **Impact:** %s", orUnknown(inc.Impact))
	line("- **Affected Users:** %s", orUnknown(inc.AffectedUsers))
	if len(inc.Services) > 0 {
		line("- **Affected Services:** %s", strings.Join(inc.Services, ", "))
	}
	line("- **Started:** %s", stamp(inc.Started))
	elapsed := Human(inc.Elapsed(now))
	switch {
	case inc.Open():
		line("- **Resolved:** not yet (%s so far)", elapsed)
	case inc.Status == StatusHandedOver:
		line("- **Handed over:** to %s, %s (%s); not resolved here", oneLine(inc.HandedTo), stamp(inc.Resolved), elapsed)
	default:
		line("- **Resolved:** %s (%s)", stamp(inc.Resolved), elapsed)
	}
	if inc.Branch != "" {
		line("- **Scenario:** %s", inc.Branch)
	}
	line("- **RTO:** %s", rtoText(inc, now))
	if inc.RPO > 0 || inc.RPOAtStake > 0 {
		line("- **RPO:** %s", rpoText(inc))
	}

	line("")
	line("**Timeline:**")
	line("")
	if len(inc.Timeline) == 0 {
		line("- (no events)")
	}
	for _, e := range inc.Timeline {
		text := oneLine(e.Text)
		if e.Actor != "" {
			text += " (" + e.Actor + ")"
		}
		line("- %s: %s", clock(e.At, inc.Started), text)
	}

	line("")
	line("**Root Cause:** %s", orUnknown(inc.RootCause))
	line("")
	line("**Action Items:**")
	line("")
	if len(inc.ActionItems) == 0 {
		line("- (none recorded)")
	}
	for i, a := range inc.ActionItems {
		line("%d. %s", i+1, oneLine(a))
	}

	line("")
	line("## POST-INCIDENT ACTIONS")
	line("")
	for _, it := range inc.PostIncident {
		box := " "
		if it.Done {
			box = "x"
		}
		line("- [%s] %s", box, oneLine(it.Text))
	}
	line("")
	if len(inc.Escalations) == 0 {
		line("**Escalation:** none")
	} else {
		line("**Escalation:** %s", oneLine(strings.Join(inc.Escalations, "; ")))
	}
	return b.String()
}

// WriteReport writes Markdown(inc, now) to path atomically with mode
// 0600. An existing file is kept (and ErrExists returned) unless overwrite.
func WriteReport(path string, inc *Incident, now time.Time, overwrite bool) error {
	return writeAtomic(path, []byte(Markdown(inc, now)), overwrite)
}

func rtoText(inc *Incident, now time.Time) string {
	took := Human(inc.Elapsed(now))
	if inc.Open() {
		took += " so far"
	}
	met, has := inc.RTOMet(now)
	switch {
	case !has:
		return took + " (no target)"
	case met && inc.Open():
		return fmt.Sprintf("%s (target %s)", took, Human(inc.RTO))
	case met:
		return fmt.Sprintf("%s (target %s: met)", took, Human(inc.RTO))
	}
	return fmt.Sprintf("%s (target %s: missed)", took, Human(inc.RTO))
}

func rpoText(inc *Incident) string {
	switch {
	case inc.RPOAtStake <= 0:
		return fmt.Sprintf("not measured (target < %s)", Human(inc.RPO))
	case inc.RPO <= 0:
		return fmt.Sprintf("%s of data at stake (no target)", Human(inc.RPOAtStake))
	case inc.RPOAtStake < inc.RPO:
		return fmt.Sprintf("%s of data at stake (target < %s: met)", Human(inc.RPOAtStake), Human(inc.RPO))
	}
	return fmt.Sprintf("%s of data at stake (target < %s: missed)", Human(inc.RPOAtStake), Human(inc.RPO))
}

// stamp is "2025-11-27 12:34 UTC".
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") + " UTC" }

// clock is "12:35 UTC", with the date when it is not the start's day.
func clock(t, start time.Time) string {
	t, start = t.UTC(), start.UTC()
	if t.YearDay() != start.YearDay() || t.Year() != start.Year() {
		return stamp(t)
	}
	return t.Format("15:04") + " UTC"
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(not recorded)"
	}
	return oneLine(s)
}

// oneLine keeps free text from breaking the report's structure.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
