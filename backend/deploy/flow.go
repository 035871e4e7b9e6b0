package deploy

import (
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// The seed's flow between "Canary Deployment" and "Full Cutover": the
// gates hold for the monitor period on the canary's traffic, the new
// colour's health URLs answer ("Health Check GREEN"), the migration ran
// when one is configured; only then is promote advised and allowed.

// HealthMaxAge is how old a health check of the new colour may be and
// still count: an older one is checked again before it opens promote.
const HealthMaxAge = time.Minute

// Watch is what a console saw of a project over time, beyond one snapshot
// and the audit log. The deployments screen keeps one per project; a
// caller without one (the report) passes the zero Watch.
type Watch struct {
	// Since is when the watcher began looking at the gates; of the time
	// before, only the audit log and the containers tell.
	Since time.Time
	// BrokeAt is the last time the canary's gates were seen failing (or
	// without figures): the monitor clock restarts after it.
	BrokeAt time.Time
	// Health is the last check of a colour's health URLs; nil: none yet.
	Health *HealthRun
}

// HealthRun is one check of a colour's health URLs.
type HealthRun struct {
	Colour  string
	At      time.Time
	Results []backend.CheckResult
}

// Monitor is the canary monitor gate.
type Monitor struct {
	Active bool          // a canary takes part of the traffic
	Period time.Duration // how long the gates must hold
	// Since is when the clock started: the last traffic step that gave
	// the canary its share (else its containers' start), or the gates'
	// last break after that.
	Since time.Time
	Left  time.Duration // > 0 while the period runs
	// Broken: a gate fails or has no figure now; the clock restarts when
	// the gates hold again.
	Broken bool
	// Unwatched: the period began before the watcher looked, so a break
	// before Watch.Since would not be known.
	Unwatched bool
}

// Held reports a canary whose gates held for the whole period.
func (m Monitor) Held() bool { return m.Active && !m.Broken && m.Left <= 0 }

// StepState is where one step of the flow stands.
type StepState int

const (
	StepNone    StepState = iota // not part of this deployment's flow (not configured)
	StepPending                  // not done yet
	StepRunning                  // running now
	StepOK                       // done, passed
	StepFailed                   // done, failed
)

// HealthStep is "Health check GREEN": the new colour's health URLs.
type HealthStep struct {
	Colour  string
	Targets []backend.CheckTarget // none: no health URL for the colour
	Run     *HealthRun            // the last check that counts, nil none
}

// State is StepNone without URLs, StepPending before a check that counts,
// then StepOK when every URL answered 2xx, else StepFailed.
func (h HealthStep) State() StepState {
	switch {
	case len(h.Targets) == 0:
		return StepNone
	case h.Run == nil:
		return StepPending
	}
	if _, bad := h.Failing(); bad {
		return StepFailed
	}
	return StepOK
}

// Failing is the first URL that did not answer healthy.
func (h HealthStep) Failing() (backend.CheckResult, bool) {
	if h.Run == nil {
		return backend.CheckResult{}, false
	}
	for _, r := range h.Run.Results {
		if !r.OK {
			return r, true
		}
	}
	return backend.CheckResult{}, false
}

// Why is a failing result in words: "HTTP 503" or the error.
func Why(r backend.CheckResult) string {
	if r.Err != "" {
		return r.Err
	}
	return fmt.Sprintf("HTTP %d", r.Code)
}

// MigrationStep is the optional migration before the promote.
type MigrationStep struct {
	Command string // the configured command; "" not part of the flow
	Last    *Event // the last migrate for the new colour since it went live
}

// State follows the last migrate's audit result.
func (m MigrationStep) State() StepState {
	switch {
	case m.Command == "":
		return StepNone
	case m.Last == nil:
		return StepPending
	case m.Last.Result == audit.ResultOK:
		return StepOK
	case m.Last.Result == "running":
		return StepRunning
	}
	return StepFailed
}

// HealthTargets are the URLs that say colour is healthy: its own, else
// the service's health_url. Each is named "service/colour" for its own
// URLs so a checker (and the simulator) can tell whose they are.
func HealthTargets(spec Spec, colour string) []backend.CheckTarget {
	var out []backend.CheckTarget
	for _, u := range spec.HealthURLs[colour] {
		out = append(out, backend.CheckTarget{Name: spec.Service + "/" + colour, URL: u})
	}
	if len(out) == 0 && spec.ServiceHealthURL != "" {
		out = append(out, backend.CheckTarget{Name: spec.Service, URL: spec.ServiceHealthURL})
	}
	return out
}

// Countdown is d as the seed's clocks read, rounded up to the second:
// "6:12", "1:02:03".
func Countdown(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// trafficSince is when the candidate got the share it has: the newest
// traffic step that succeeded since it went live, else its start.
func trafficSince(hist []Event, cand Env) time.Time {
	for _, ev := range hist {
		if _, ok := ev.weight(); !ok || ev.At.Before(cand.LiveSince) {
			continue
		}
		if !ev.Done.IsZero() {
			return ev.Done
		}
		return ev.At
	}
	return cand.LiveSince
}

// lastMigration is the newest migrate for the candidate since it went live.
func lastMigration(hist []Event, cand Env) *Event {
	for i, ev := range hist {
		if ev.Step == StepMigrate && ev.Colour == cand.Colour && !ev.At.Before(cand.LiveSince) {
			return &hist[i]
		}
	}
	return nil
}

// monitor is the clock of a canary whose gates hold now.
func monitor(spec Spec, hist []Event, w Watch, cand Env, now time.Time) Monitor {
	m := Monitor{Active: true, Period: spec.Monitor, Since: trafficSince(hist, cand)}
	if w.BrokeAt.After(m.Since) {
		m.Since = w.BrokeAt
	}
	m.Left = max(m.Since.Add(m.Period).Sub(now), 0)
	m.Unwatched = w.Since.IsZero() || m.Since.Before(w.Since)
	return m
}

// healthOf is the health step of the candidate: a run counts when it checked
// that colour since it went live and is at most HealthMaxAge old.
func healthOf(spec Spec, w Watch, cand Env, now time.Time) HealthStep {
	h := HealthStep{Colour: cand.Colour, Targets: HealthTargets(spec, cand.Colour)}
	if r := w.Health; r != nil && r.Colour == cand.Colour && !r.At.Before(cand.LiveSince) && now.Sub(r.At) <= HealthMaxAge {
		h.Run = r
	}
	return h
}

// gateFlow advises on a canary whose gates pass now: hold while the
// monitor runs, the health check is red or not done, or the migration has
// not run; promote after. It returns the verdict and what blocks it.
func (st *Status) gateFlow(name string, cand Env) (Verdict, string) {
	share := fmt.Sprintf("%.0f%%", cand.Share.V)
	if m := st.Monitor; m.Left > 0 {
		return VerdictHold, fmt.Sprintf("%s at %s: monitoring, %s left of %s · gates holding", name, share, Countdown(m.Left), m.Period)
	}
	h := st.Health
	switch h.State() {
	case StepPending:
		return VerdictHold, fmt.Sprintf("%s held %s at %s; health check %s not done yet", name, st.Monitor.Period, share, upper(h.Colour))
	case StepFailed:
		r, _ := h.Failing()
		return VerdictHold, fmt.Sprintf("%s held %s at %s; health check %s fails: %s %s", name, st.Monitor.Period, share, upper(h.Colour), r.Target.URL, Why(r))
	}
	mg := st.Migration
	switch mg.State() {
	case StepPending:
		return VerdictHold, fmt.Sprintf("%s held %s at %s; run the migration (%s) before the promote", name, st.Monitor.Period, share, mg.Command)
	case StepRunning:
		return VerdictHold, fmt.Sprintf("%s held %s at %s; the migration (%s) is running", name, st.Monitor.Period, share, mg.Command)
	case StepFailed:
		return VerdictHold, fmt.Sprintf("%s held %s at %s; the migration (%s) %s at %s: run it again", name, st.Monitor.Period, share, mg.Command, mg.Last.Result, mg.Last.At.UTC().Format("15:04"))
	}
	reason := fmt.Sprintf("%s passes at %s: %s; held for %s", name, share, gatesText(cand.Gates), st.Monitor.Period)
	if h.State() == StepOK {
		reason += "; health " + upper(h.Colour) + " ✔"
	}
	if mg.State() == StepOK {
		reason += "; migrated"
	}
	return VerdictPromote, reason
}

// CanPromote says why colour may not be promoted now, or nil: only the
// canary the flow advises promoting, for the reason the screen shows.
func (s Status) CanPromote(colour string) error {
	switch {
	case s.Candidate == "":
		return fmt.Errorf("promote %s refused: %s", colour, s.Reason)
	case colour != s.Candidate:
		return fmt.Errorf("promote %s refused: %s is the colour in service and %s the new one (B sends all traffic back to %s)", colour, colour, s.Candidate, colour)
	case s.Verdict != VerdictPromote:
		return fmt.Errorf("promote %s refused: %s", colour, s.Reason)
	}
	return nil
}

func upper(colour string) string {
	switch colour {
	case "blue":
		return "BLUE"
	case "green":
		return "GREEN"
	}
	return colour
}
