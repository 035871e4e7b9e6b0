package deploy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Env is one colour of a project as the snapshot shows it.
type Env struct {
	Colour    string
	Versions  []string  // image tags of its containers, distinct, sorted
	Up, Total int       // running (and not unhealthy) containers of all
	LiveSince time.Time // earliest start among its running containers
	// Share is its percent of the requests; missing when unknown.
	Share   backend.Value
	Metrics backend.Metrics // per-colour RPS, error rate, p95
	Gates   []Gate
}

// Version is the environment's version, "v1.5.2" or "v1.5.2,v1.6.0" while
// mixed, "" without containers.
func (e Env) Version() string { return strings.Join(e.Versions, ",") }

// Running reports whether the colour has any container up.
func (e Env) Running() bool { return e.Up > 0 }

// Gate is one canary limit checked against a colour's live figure.
type Gate struct {
	Name  string // "error rate", "p95"
	Value backend.Value
	Limit float64
	Unit  string // "%" or "ms"
}

// Known reports whether the figure is there to judge.
func (g Gate) Known() bool { return g.Value.Valid }

// Pass reports a known figure strictly below its limit.
func (g Gate) Pass() bool { return g.Value.Valid && g.Value.V < g.Limit }

// String is "error rate 0.10% < 1%" or "p95 1200ms ≥ 1000ms".
func (g Gate) String() string {
	if !g.Known() {
		return g.Name + " unknown"
	}
	op := "<"
	if !g.Pass() {
		op = "≥"
	}
	return fmt.Sprintf("%s %s %s %s", g.Name, figure(g.Value.V, g.Unit), op, figure(g.Limit, g.Unit))
}

func figure(v float64, unit string) string {
	if unit == "%" {
		return fmt.Sprintf("%.2f%%", v)
	}
	return fmt.Sprintf("%.0f%s", v, unit)
}

// Verdict is what the gates advise.
type Verdict string

const (
	VerdictHold     Verdict = "hold"
	VerdictPromote  Verdict = "promote"
	VerdictRollback Verdict = "roll back"
)

// Split sources: where Env.Share came from.
const (
	SplitMetrics = "prometheus"   // requests per colour
	SplitCommand = "last command" // the last traffic command that succeeded
)

// Status is a project's blue/green state and the advice.
type Status struct {
	Spec Spec
	Envs []Env // blue, green
	// Candidate is the newer colour (the one being rolled out); Stable the
	// other. Both "" unless two colours run.
	Candidate, Stable string
	SplitFrom         string // SplitMetrics, SplitCommand or "" (unknown)
	Verdict           Verdict
	Reason            string
	// CutoverAt is when the candidate took all traffic (the last promote
	// in the audit log, else its containers' start); zero before.
	CutoverAt  time.Time
	WindowLeft time.Duration // > 0 while the rollback window runs
	// The steps before a promote, while a canary takes part of the
	// traffic (zero otherwise).
	Monitor   Monitor
	Health    HealthStep
	Migration MigrationStep
}

// Env returns the environment of a colour.
func (s Status) Env(colour string) Env {
	for _, e := range s.Envs {
		if e.Colour == colour {
			return e
		}
	}
	return Env{Colour: colour}
}

// nearly treats shares within half a percent of 0 or 100 as there.
const nearly = 0.5

// Evaluate builds a project's status from the snapshot and its history
// (History's events, newest first) at now, with nothing watched: gate
// breaks only as the snapshot shows them, no health check.
func Evaluate(spec Spec, snap backend.Snapshot, hist []Event, now time.Time) Status {
	return EvaluateWatched(spec, snap, hist, Watch{}, now)
}

// EvaluateWatched is Evaluate with what a console watched: the gates'
// last break and the new colour's last health check.
func EvaluateWatched(spec Spec, snap backend.Snapshot, hist []Event, w Watch, now time.Time) Status {
	spec = spec.WithDefaults()
	st := Status{Spec: spec}
	svc, _ := snap.Service(spec.Service)
	for _, c := range Colours {
		st.Envs = append(st.Envs, envOf(spec, svc, c))
	}
	st.SplitFrom = split(st.Envs, hist)

	var running []Env
	for _, e := range st.Envs {
		if e.Running() {
			running = append(running, e)
		}
	}
	switch len(running) {
	case 0:
		st.Verdict, st.Reason = VerdictHold, fmt.Sprintf("no blue or green container of %s runs (label %s)", spec.Service, labelOr(spec.ColourLabel))
		return st
	case 1:
		e := running[0]
		st.Verdict, st.Reason = VerdictHold, fmt.Sprintf("only %s runs (%s)", e.Colour, e.Version())
		if bad := failing(e.Gates); bad != "" {
			st.Reason += "; " + bad + ", and no other colour to roll back to"
		}
		return st
	}
	cand, stable := running[1], running[0]
	if cand.LiveSince.Before(stable.LiveSince) {
		cand, stable = stable, cand
	}
	st.Candidate, st.Stable = cand.Colour, stable.Colour
	st.decide(cand, stable, hist, w, now)
	return st
}

// decide is the canary flow: no traffic yet → hold; a failing gate → roll
// back; passing with part of the traffic → hold while the monitor period
// runs and until the health check and migration are done, then promote;
// all the traffic → hold through the rollback window.
func (st *Status) decide(cand, stable Env, hist []Event, w Watch, now time.Time) {
	name := cand.Colour + " " + cand.Version()
	switch {
	case !cand.Share.Valid:
		st.Verdict, st.Reason = VerdictHold, "traffic split unknown: no requests per colour and no traffic command in the audit log"
		return
	case cand.Share.V < nearly:
		st.Verdict, st.Reason = VerdictHold, name+" takes no traffic yet: shift some to it"
		return
	}
	canary := cand.Share.V < 100-nearly
	if canary {
		st.Monitor = monitor(st.Spec, hist, w, cand, now)
		st.Health = healthOf(st.Spec, w, cand, now)
		st.Migration = MigrationStep{Command: st.Spec.Commands.Migrate}
		if st.Migration.Command != "" {
			st.Migration.Last = lastMigration(hist, cand)
		}
	}
	// A gate that fails or has no figure stops the monitor clock.
	broken := func() {
		if canary {
			st.Monitor.Broken, st.Monitor.Since, st.Monitor.Left = true, now, st.Monitor.Period
		}
	}
	if bad := failing(cand.Gates); bad != "" {
		broken()
		st.Verdict, st.Reason = VerdictRollback, fmt.Sprintf("%s fails: %s; send the traffic back to %s", name, bad, stable.Colour)
		return
	}
	if min := st.Spec.Gates.MinRPS; min > 0 && cand.Metrics.RPS.Or(0) < min {
		broken()
		st.Verdict, st.Reason = VerdictHold, fmt.Sprintf("%s serves %.2f req/s, below the %.2f the gates need", name, cand.Metrics.RPS.Or(0), min)
		return
	}
	for _, g := range cand.Gates {
		if !g.Known() {
			broken()
			st.Verdict, st.Reason = VerdictHold, fmt.Sprintf("%s: %s, waiting for data", name, g)
			return
		}
	}
	if canary {
		st.Verdict, st.Reason = st.gateFlow(name, cand)
		return
	}
	st.CutoverAt = cutover(hist, cand)
	st.WindowLeft = st.CutoverAt.Add(st.Spec.RollbackWindow).Sub(now)
	st.Verdict = VerdictHold
	if st.WindowLeft > 0 {
		st.Reason = fmt.Sprintf("%s takes all traffic; rollback window %s left, keep %s running", name, st.WindowLeft.Truncate(time.Second), stable.Colour)
		return
	}
	st.WindowLeft = 0
	st.Reason = fmt.Sprintf("%s takes all traffic; rollback window over, %s may be decommissioned", name, stable.Colour)
}

// CanDecommission says why the stable colour may not go yet, or nil.
func (s Status) CanDecommission(now time.Time) error {
	old := s.Stable
	switch {
	case s.Candidate == "":
		return fmt.Errorf("decommission refused: %s needs two colours running", s.Spec.Project)
	case !s.Env(old).Share.Valid || s.Env(old).Share.V >= nearly:
		return fmt.Errorf("decommission %s refused: it still takes traffic (or the split is unknown)", old)
	case s.CutoverAt.IsZero():
		return fmt.Errorf("decommission %s refused: no full cutover to %s yet", old, s.Candidate)
	}
	if left := s.CutoverAt.Add(s.Spec.RollbackWindow).Sub(now); left > 0 {
		return fmt.Errorf("decommission %s refused: rollback window runs for %s more", old, left.Truncate(time.Second))
	}
	return nil
}

func envOf(spec Spec, svc backend.Service, colour string) Env {
	e := Env{Colour: colour, Metrics: svc.ColourMetrics[colour]}
	for _, c := range svc.Containers {
		if c.Colour != colour {
			continue
		}
		e.Total++
		if c.Version != "" && !slices.Contains(e.Versions, c.Version) {
			e.Versions = append(e.Versions, c.Version)
		}
		if c.State == backend.StateRunning && c.Health != backend.HealthUnhealthy {
			e.Up++
			if e.LiveSince.IsZero() || c.StartedAt.Before(e.LiveSince) {
				e.LiveSince = c.StartedAt
			}
		}
	}
	slices.Sort(e.Versions)
	e.Gates = []Gate{
		{Name: "error rate", Value: e.Metrics.ErrorRatePct, Limit: spec.Gates.MaxErrorRatePct, Unit: "%"},
		{Name: "p95", Value: e.Metrics.P95MS, Limit: float64(spec.Gates.MaxP95.Milliseconds()), Unit: "ms"},
	}
	return e
}

// split fills each Env.Share from the requests per colour, or failing
// that from the last traffic command that succeeded.
func split(envs []Env, hist []Event) string {
	total := 0.0
	for _, e := range envs {
		total += e.Metrics.RPS.Or(0)
	}
	if total > 0 {
		for i := range envs {
			envs[i].Share = backend.Some(100 * envs[i].Metrics.RPS.Or(0) / total)
		}
		return SplitMetrics
	}
	for _, ev := range hist {
		w, ok := ev.weight()
		if !ok {
			continue
		}
		for i := range envs {
			if envs[i].Colour == ev.Colour {
				envs[i].Share = backend.Some(w)
			} else {
				envs[i].Share = backend.Some(100 - w)
			}
		}
		return SplitCommand
	}
	return ""
}

// cutover is the last successful promote to the candidate, else the
// candidate's start.
func cutover(hist []Event, cand Env) time.Time {
	for _, ev := range hist {
		if ev.Step == StepPromote && ev.Colour == cand.Colour && ev.Result == "ok" && !ev.At.Before(cand.LiveSince) {
			return ev.At
		}
	}
	return cand.LiveSince
}

func failing(gates []Gate) string {
	var bad []string
	for _, g := range gates {
		if g.Known() && !g.Pass() {
			bad = append(bad, g.String())
		}
	}
	return strings.Join(bad, ", ")
}

func gatesText(gates []Gate) string {
	var s []string
	for _, g := range gates {
		s = append(s, g.String())
	}
	return strings.Join(s, ", ")
}

func labelOr(l string) string {
	if l == "" {
		return "opsdeck.colour"
	}
	return l
}
