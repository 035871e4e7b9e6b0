package report

import (
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/incident"
)

// Deployment is one blue/green project as the deployments screen shows it.
type Deployment struct {
	Project   string  `json:"project"`
	Service   string  `json:"service"`
	Stable    *string `json:"stable" jsonschema:"nullable"`
	Candidate *string `json:"candidate" jsonschema:"nullable"`
	// SplitFrom says where the traffic shares come from.
	SplitFrom *string `json:"split_from" jsonschema:"nullable"`
	Verdict   string  `json:"verdict"`
	Reason    string  `json:"reason"`
	// WindowLeftS is the rollback window's seconds left after a full
	// cutover; null when it does not run.
	WindowLeftS *int     `json:"window_left_s" jsonschema:"nullable"`
	Colours     []Colour `json:"colours"`
}

// Colour is one colour of a blue/green project.
type Colour struct {
	Colour     string        `json:"colour"`
	Version    *string       `json:"version" jsonschema:"nullable"`
	Up         int           `json:"up"`
	Total      int           `json:"total"`
	TrafficPct backend.Value `json:"traffic_pct"`
	RPS        backend.Value `json:"rps"`
	ErrorRate  backend.Value `json:"error_rate"`
	P95MS      backend.Value `json:"p95_ms"`
	LiveSince  *time.Time    `json:"live_since" jsonschema:"nullable"`
}

// WithDeployments adds the blue/green projects of specs, evaluated as the
// deployments screen evaluates them: against the snapshot, with their
// history from the audit log's pairs (nil: no history, so the traffic
// split is Prometheus' or unknown).
func (r Status) WithDeployments(specs []deploy.Spec, s backend.Snapshot, pairs []audit.Pair) Status {
	r.Deployments = make([]Deployment, 0, len(specs))
	for _, spec := range specs {
		st := deploy.Evaluate(spec, s, deploy.History(spec, pairs, s), s.At)
		d := Deployment{Project: spec.Project, Service: spec.Service, Stable: strPtr(st.Stable), Candidate: strPtr(st.Candidate),
			SplitFrom: strPtr(st.SplitFrom), Verdict: string(st.Verdict), Reason: st.Reason, Colours: []Colour{}}
		if st.WindowLeft > 0 {
			left := int(st.WindowLeft.Seconds())
			d.WindowLeftS = &left
		}
		for _, e := range st.Envs {
			d.Colours = append(d.Colours, Colour{Colour: e.Colour, Version: strPtr(e.Version()), Up: e.Up, Total: e.Total,
				TrafficPct: e.Share, RPS: e.Metrics.RPS, ErrorRate: e.Metrics.ErrorRatePct, P95MS: e.Metrics.P95MS,
				LiveSince: timePtr(e.LiveSince)})
		}
		r.Deployments = append(r.Deployments, d)
	}
	return r
}

// WithIncident adds the open incident's timeline to the markdown report
// (the JSON document is the fleet's; the incident has its own files).
func (r Status) WithIncident(inc *incident.Incident) Status {
	r.incident = inc
	return r
}
