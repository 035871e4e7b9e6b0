// Package incident keeps the open incident: its timeline, the walk of the
// disaster-recovery tree, the facts for the report, and the post-incident
// checklist. A Store persists every change atomically before it returns,
// so the console can be killed at any moment and resume the incident.
package incident

import (
	"fmt"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend/drtree"
)

// Status of an incident, as the communication template writes it.
type Status string

const (
	StatusInvestigating Status = "investigating"
	StatusResolved      Status = "resolved"
	// StatusHandedOver: the walk ended by handing the incident to someone
	// who leads from there (a security breach, to the Security team); it
	// is closed here, and not resolved.
	StatusHandedOver Status = "handed_over"
)

// Word is the status as the screen and the report say it: "RESOLVED",
// "HANDED OVER".
func (s Status) Word() string { return strings.ToUpper(strings.ReplaceAll(string(s), "_", " ")) }

// EventKind says what a timeline event records.
type EventKind string

const (
	EventAlert  EventKind = "alert"  // an alert fired or a customer reported
	EventAnswer EventKind = "answer" // a decision-tree question was answered
	EventAction EventKind = "action" // a fleet action ran (and how it ended)
	EventStep   EventKind = "step"   // a manual step was done
	EventNote   EventKind = "note"   // free text from the engineer
	EventStatus EventKind = "status" // the incident was opened or resolved
	// EventEscalation: the engineer called the branch's escalation
	// contacts, whom and how as the wizard advised.
	EventEscalation EventKind = "escalation"
)

// Event is one line of the timeline.
type Event struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor,omitempty"` // operator, "live", or "opsdeck"
	Kind  EventKind `json:"kind"`
	Text  string    `json:"text"`
}

// Call is an escalation made: the branch whose contacts were called, when
// and by whom.
type Call struct {
	Branch string    `json:"branch"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
}

// CallOf is the call made for the branch, nil while none was.
func (inc *Incident) CallOf(branch string) *Call {
	for i := range inc.Called {
		if inc.Called[i].Branch == branch {
			return &inc.Called[i]
		}
	}
	return nil
}

// Item is a checklist entry.
type Item struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// PostIncidentActions are the seed's POST-INCIDENT ACTIONS (all scenarios).
var PostIncidentActions = []string{
	"Document timeline in incident log",
	"Notify stakeholders of resolution",
	"Schedule post-mortem meeting",
	"Identify root cause",
	"Implement preventive measures",
	"Update runbooks",
}

// NewPostIncident is a fresh, unticked post-incident checklist.
func NewPostIncident() []Item {
	out := make([]Item, len(PostIncidentActions))
	for i, t := range PostIncidentActions {
		out[i] = Item{Text: t}
	}
	return out
}

// Incident is everything known about one incident.
type Incident struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"` // "Service Downtime - chat-backend"
	Started  time.Time `json:"started"`
	Resolved time.Time `json:"resolved,omitzero"` // when it was closed (resolved or handed over); zero while open
	Status   Status    `json:"status"`
	// HandedTo is who took it over when Status is StatusHandedOver.
	HandedTo string `json:"handed_to,omitempty"`

	// Branch is the decision-tree branch and its targets (0: none).
	Branch string        `json:"branch,omitempty"`
	RTO    time.Duration `json:"rto,omitempty"`
	RPO    time.Duration `json:"rpo,omitempty"`
	// RPOAtStake is the data that may be lost (the age of the newest
	// backup when a restore began), as the caller measured it; 0 unknown.
	RPOAtStake time.Duration `json:"rpo_at_stake,omitempty"`

	Services      []string `json:"services,omitempty"`
	Impact        string   `json:"impact,omitempty"`
	AffectedUsers string   `json:"affected_users,omitempty"`
	RootCause     string   `json:"root_cause,omitempty"`
	ActionItems   []string `json:"action_items,omitempty"`
	// Escalations are who was called and why: "DevOps lead (2+ restarts fail)".
	Escalations []string `json:"escalations,omitempty"`
	// Called are the escalations the engineers said they made, one per
	// branch: until then the wizard keeps the escalation in front.
	Called []Call `json:"called,omitempty"`

	Timeline     []Event      `json:"timeline,omitempty"`
	Walk         drtree.State `json:"walk"`
	PostIncident []Item       `json:"post_incident"`
}

// Open reports whether the incident is still being worked on.
func (inc *Incident) Open() bool {
	return inc.Status != StatusResolved && inc.Status != StatusHandedOver
}

// SetBranch records the branch the walk is in and its targets.
func (inc *Incident) SetBranch(b *drtree.Branch) {
	if b == nil {
		inc.Branch, inc.RTO, inc.RPO = "", 0, 0
		return
	}
	inc.Branch, inc.RTO, inc.RPO = b.Name, b.RTO, b.RPO
}

// Elapsed is how long the incident has lasted: to its resolution, or to
// now while open.
func (inc *Incident) Elapsed(now time.Time) time.Duration {
	end := now
	if !inc.Resolved.IsZero() {
		end = inc.Resolved
	}
	return max(0, end.Sub(inc.Started))
}

// RTOMet reports whether the recovery took (or so far takes) no longer
// than the branch's RTO; hasTarget is false when there is none.
func (inc *Incident) RTOMet(now time.Time) (met, hasTarget bool) {
	if inc.RTO <= 0 {
		return false, false
	}
	return inc.Elapsed(now) <= inc.RTO, true
}

// Clock is a duration as a stopwatch shows it, to the second: "2:50",
// "1:02:05". The RTO clock needs the seconds: at 2m50s of a 2-minute
// RTO, "2m" read as if the target were still met.
func Clock(d time.Duration) string {
	d = max(0, d).Truncate(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// RTOClock is the incident's time against its RTO for the wizard's
// header: "2:50 of RTO 2 min, 0:50 over" or "1:10 of RTO 2 min, 0:50
// left" ("resolved in" wording is the caller's); met is false once the
// RTO has passed. Without an RTO it is the elapsed time alone.
func (inc *Incident) RTOClock(now time.Time) (text string, met bool) {
	took := inc.Elapsed(now)
	if inc.RTO <= 0 {
		return Clock(took), true
	}
	if took <= inc.RTO {
		return fmt.Sprintf("%s of RTO %s, %s left", Clock(took), Human(inc.RTO), Clock(inc.RTO-took)), true
	}
	return fmt.Sprintf("%s of RTO %s, %s over", Clock(took), Human(inc.RTO), Clock(took-inc.RTO)), false
}

// Verdict is a target check worded for the screen.
type Verdict struct {
	Text string // "RPO at stake: 3h12m (target < 24h)"
	Met  bool
}

// RPOVerdict words the data at stake against the RPO target: backupAge is
// the age of the newest usable backup, which the caller measures. With no
// target (0) the verdict is met and says so.
func RPOVerdict(backupAge, target time.Duration) Verdict {
	if target <= 0 {
		return Verdict{Text: fmt.Sprintf("RPO at stake: %s (no target)", Short(backupAge)), Met: true}
	}
	v := Verdict{Text: fmt.Sprintf("RPO at stake: %s (target < %s)", Short(backupAge), Short(target)), Met: backupAge < target}
	if !v.Met {
		v.Text += ": exceeded"
	}
	return v
}

// Short formats a duration compactly: "45s", "12m", "3h12m", "2d4h".
func Short(d time.Duration) string {
	d = max(0, d)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}

// Human formats a duration the way the seed's template does: "4 min",
// "2 hours", "1 h 05 min".
func Human(d time.Duration) string {
	d = max(0, d)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case m != 0:
		return fmt.Sprintf("%d h %02d min", h, m)
	case h == 1:
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", h)
}
