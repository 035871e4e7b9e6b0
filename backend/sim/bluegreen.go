package sim

import (
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// canaryShare is the share of requests the green canary takes in the demo:
// the seed's "90/10 canary" of the Deployment Flow.
const canaryShare = 0.10

// bgContainers replaces a service's replicas with the two colours of a
// blue/green deploy: blue runs the previous release (since the deploy
// before), green the current one (since the last deploy).
func (s *service) bgContainers(t time.Time) []backend.Container {
	ts := t.Unix()
	k, start := s.epoch(0, ts)
	_, prevStart := s.epoch(0, start-1)
	mk := func(colour string, k, at int64) backend.Container {
		c := backend.Container{
			ID:        fmt.Sprintf("%012x", uint64(s.key.with("bg-"+colour).at(k))>>16),
			Name:      fmt.Sprintf("%s-%s-1", s.skel.Name, colour),
			Host:      s.skel.Host,
			Version:   s.tag(k),
			Colour:    colour,
			State:     backend.StateRunning,
			Health:    backend.HealthNone,
			StartedAt: time.Unix(at, 0).In(t.Location()),
		}
		c.Image = "manacore/" + s.skel.Name + ":" + c.Version
		if s.kind.healthcheck {
			c.Health = backend.HealthHealthy
		}
		return c
	}
	return []backend.Container{mk("blue", k-1, prevStart), mk("green", k, start)}
}

// canaryErrors is how much more often the canary fails than the service
// as a whole: new code tends to, and the demo's gates still pass.
const canaryErrors = 1.5

// colourMetrics splits the service's requests 90/10 between blue and
// green, each colour with figures of its own: the canary fails a little
// more often and runs a little slower, as new code tends to, and stays
// inside the gates so the demo's verdict is "promote". The colours' error
// rates weigh back to the service's own (what the overview shows), so the
// deployments screen and the services screen never disagree.
func colourMetrics(m backend.Metrics) map[string]backend.Metrics {
	part := func(share, errors, slower float64) backend.Metrics {
		out := backend.Metrics{}
		if m.RPS.Valid {
			out.RPS = backend.Some(m.RPS.V * share)
		}
		if m.ErrorRatePct.Valid {
			out.ErrorRatePct = backend.Some(m.ErrorRatePct.V * errors)
		}
		if m.P95MS.Valid {
			out.P95MS = backend.Some(m.P95MS.V * slower)
		}
		return out
	}
	// share·green + (1-share)·blue = 1: blue's factor from green's.
	blueErrors := (1 - canaryShare*canaryErrors) / (1 - canaryShare)
	return map[string]backend.Metrics{"blue": part(1-canaryShare, blueErrors, 1), "green": part(canaryShare, canaryErrors, 1.08)}
}
