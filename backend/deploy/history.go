package deploy

import (
	"sort"
	"strconv"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// Steps of a deployment, as Action.Params["step"] records them.
const (
	StepShift        = "shift"
	StepPromote      = "promote"
	StepRollback     = "rollback"
	StepDecommission = "decommission"
	StepMigrate      = "migrate"
	StepDeployed     = "deployed" // a colour's containers started (container metadata)
)

// Event is one line of a project's deployment history.
type Event struct {
	At      time.Time // when it was asked (the audit's before entry)
	Done    time.Time // when it ended (the after entry); zero while running
	Step    string
	Colour  string
	Version string
	Weight  string // percent the colour got, for traffic steps
	User    string
	Result  string // audit result ("ok", "failed", ...), "running" while unfinished
}

// weight is the share a successful traffic step gave its colour.
func (e Event) weight() (float64, bool) {
	if e.Result != audit.ResultOK {
		return 0, false
	}
	switch e.Step {
	case StepPromote, StepRollback:
		return 100, true
	case StepShift:
		w, err := strconv.ParseFloat(e.Weight, 64)
		return w, err == nil && w >= 0 && w <= 100
	}
	return 0, false
}

// Params are the parameters of a deployment action: what the configured
// command's placeholders are filled with, and what History reads back.
func Params(spec Spec, step, colour, weight, version string) map[string]string {
	p := map[string]string{"project": spec.Project, "service": spec.Service, "colour": colour, "step": step}
	if weight != "" {
		p["weight"] = weight
	}
	if version != "" {
		p["version"] = version
	}
	return p
}

// History lists a project's deployment events, newest first: the audited
// deployment actions (kind command, params project and step) and, from
// the snapshot, when each colour's containers went live.
func History(spec Spec, pairs []audit.Pair, snap backend.Snapshot) []Event {
	var out []Event
	for _, p := range pairs {
		b := p.Before
		if b.Kind != backend.ActKindCommand || b.Params["project"] != spec.Project || b.Params["step"] == "" {
			continue
		}
		ev := Event{At: b.Time, Step: b.Params["step"], Colour: b.Params["colour"], Version: b.Params["version"],
			Weight: b.Params["weight"], User: b.User, Result: b.Result}
		if p.After != nil {
			ev.Result, ev.Done = p.After.Result, p.After.Time
		} else if ev.Result == "" {
			ev.Result = "running"
		}
		out = append(out, ev)
	}
	st := Evaluate(spec, snap, nil, snap.At)
	for _, e := range st.Envs {
		if e.Running() {
			out = append(out, Event{At: e.LiveSince, Step: StepDeployed, Colour: e.Colour, Version: e.Version(), Result: "up"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}
