package incident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// An escalation is pending from the node that says to call until an
// engineer says they made it; it is stamped on the timeline with whom
// they called and how, once per branch, and never by a viewer.
func TestDeskEscalation(t *testing.T) {
	clock := newClock()
	d := openDesk(t, t.TempDir(), clock, nil)
	_, err := d.Start(ana)
	must(t, err)
	if err := d.Escalated(ana, "what_failed", nil); !errors.Is(err, ErrNotDue) {
		t.Fatalf("escalated before a branch was chosen: %v", err)
	}
	must(t, d.Choose(ana, "what_failed", 3))
	b := at(t, d, "sb_escalate")
	if esc := EscalationPending(b.Incident, b.Walk); esc == nil || esc.String() != "Security team + Legal" {
		t.Fatalf("pending at the call node: %v", esc)
	}
	// Walking on without saying so keeps it pending.
	must(t, d.Tick(ana, "sb_escalate", 0))
	must(t, d.Tick(ana, "sb_escalate", 1))
	must(t, d.Complete(ana, "sb_escalate"))
	b = at(t, d, "sb_contain")
	if EscalationPending(b.Incident, b.Walk) == nil {
		t.Fatal("the escalation is no longer pending one node on, though no one said they called")
	}
	if err := d.Escalated(vic, "sb_contain", nil); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("a viewer escalated: %v", err)
	}
	if err := d.Escalated(ana, "sb_escalate", nil); !errors.Is(err, ErrMoved) {
		t.Fatalf("escalated at a node the walk left: %v", err)
	}
	clock.Add(90 * time.Second)
	must(t, d.Escalated(ana, "sb_contain", []string{"call Security Team, on call 24/7: security@manacore.app"}))
	b = at(t, d, "sb_contain")
	inc := b.Incident
	if EscalationPending(inc, b.Walk) != nil {
		t.Fatal("still pending after the call")
	}
	if c := inc.CallOf("security_breach"); c == nil || c.By != "ana" || !c.At.Equal(t0.Add(90*time.Second)) {
		t.Fatalf("call %+v", c)
	}
	lines := timeline(inc)
	want := "escalation|ana|Escalated (security breach): Security team + Legal — call Security Team, on call 24/7: security@manacore.app"
	if last := lines[len(lines)-1]; last != want {
		t.Fatalf("timeline ends %q, want %q", last, want)
	}
	if err := d.Escalated(bob, "sb_contain", nil); !errors.Is(err, ErrNotDue) || !strings.Contains(err.Error(), "ana escalated at 12:") {
		t.Fatalf("a second escalation: %v", err)
	}
}

// The service crash escalates only after the restarts failed: before,
// the escalation is shown but not due.
func TestDeskEscalationNotDueYet(t *testing.T) {
	d := openDesk(t, t.TempDir(), newClock(), nil)
	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 0))
	b := d.Board()
	if EscalationPending(b.Incident, b.Walk) != nil {
		t.Fatal("pending at the first step of the service crash")
	}
	err = d.Escalated(ana, b.Walk.Current().ID, nil)
	if !errors.Is(err, ErrNotDue) || !strings.Contains(err.Error(), "when 2+ restarts fail") {
		t.Fatalf("early escalation: %v", err)
	}
}
