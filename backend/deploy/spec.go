// Package deploy is the blue/green model of the seed's "Deployment Flow":
// which containers form the blue and the green environment of a project,
// how traffic is split between them, whether the newer colour passes the
// canary gates (error rate < 1 %, p95 < 1 s), and the one-hour rollback
// window after a full cutover. It is pure: it reads a backend.Snapshot and
// audit entries and decides; the UI turns its answers into actions that
// run the configured commands (shift, promote, roll back, decommission).
package deploy

import "time"

// Defaults from the seed: "Error rate: 0.1% (✅ <1%)", "Response time:
// 850ms (✅ <1s)", "Monitor for 10 min", "Rollback Window (1 hour)".
const (
	DefaultMaxErrorRatePct = 1.0
	DefaultMaxP95          = time.Second
	DefaultMonitor         = 10 * time.Minute
	DefaultRollbackWindow  = time.Hour
)

// Colours are the two environments, in display order.
var Colours = []string{"blue", "green"}

// Spec is one project deployed blue/green (config: deployments[]).
type Spec struct {
	Project string
	// Service is the service whose containers carry the colours and whose
	// per-colour figures the gates read (e.g. chat-backend).
	Service string
	// ColourLabel is the container label naming the colour; the Docker
	// inventory reads it (default opsdeck.colour).
	ColourLabel string
	Gates       Gates
	// Monitor is how long the gates must hold on the canary's traffic
	// before it may be promoted.
	Monitor        time.Duration
	RollbackWindow time.Duration
	Commands       Commands
	// HealthURLs are each colour's own health endpoints (the seed's "curl
	// localhost:3002/api/health" for green); ServiceHealthURL, the
	// service's health_url, stands in for a colour without any.
	HealthURLs       map[string][]string
	ServiceHealthURL string
}

// Gates are the canary limits a colour must stay under.
type Gates struct {
	MaxErrorRatePct float64       // error rate must be below this (percent)
	MaxP95          time.Duration // p95 latency must be below this
	// MinRPS is the least traffic a canary needs before its figures
	// count: a colour serving almost nothing passes every gate vacuously.
	MinRPS float64
}

// Commands name the actions.commands entries that move traffic. Each is
// run with the parameters project, service, colour (the colour that gets
// the traffic, is migrated for, or is decommissioned), weight (its
// percent) and version. Migrate, when set, is a step of the flow that must
// have run for the new colour before it is promoted.
type Commands struct {
	Shift, Promote, Rollback, Decommission, Migrate string
}

// WithDefaults fills the zero limits, monitor period and window with the
// seed's values.
func (s Spec) WithDefaults() Spec {
	if s.Gates.MaxErrorRatePct <= 0 {
		s.Gates.MaxErrorRatePct = DefaultMaxErrorRatePct
	}
	if s.Gates.MaxP95 <= 0 {
		s.Gates.MaxP95 = DefaultMaxP95
	}
	if s.Monitor <= 0 {
		s.Monitor = DefaultMonitor
	}
	if s.RollbackWindow <= 0 {
		s.RollbackWindow = DefaultRollbackWindow
	}
	return s
}

// Other is the other colour of a two-colour pair.
func Other(colour string) string {
	if colour == "blue" {
		return "green"
	}
	return "blue"
}
