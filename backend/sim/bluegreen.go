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

// withTraffic lays an operator's decommission over the colours: the
// retired colour's container is exited.
func (s *service) withTraffic(cs []backend.Container, o ops, t time.Time) []backend.Container {
	if r := s.retired(o, t); r != "" {
		for i := range cs {
			if cs[i].Colour == r {
				cs[i].State, cs[i].Health = backend.StateExited, backend.HealthNone
			}
		}
	}
	return cs
}

// canaryErrors is how much more often the canary fails than the service
// as a whole at the demo's 10 %: new code tends to, and the demo's gates
// still pass. As the canary takes more of the traffic its figures become
// the service's.
const canaryErrors = 1.5

// colourMetrics splits the service's requests between blue and green,
// green taking the share green (0 to 1; the seed's 10 % unless an
// operator's command moved it), each colour with figures of its own: the
// canary fails a little more often and runs a little slower, as new code
// tends to, and stays inside the gates so the demo's verdict is
// "promote". The colours' error rates weigh back to the service's own
// (what the overview shows), so the deployments screen and the services
// screen never disagree. A colour without traffic has no error rate or
// p95 (nothing was measured), not zero.
func colourMetrics(m backend.Metrics, green float64) map[string]backend.Metrics {
	part := func(share, errors, slower float64) backend.Metrics {
		out := backend.Metrics{}
		if m.RPS.Valid {
			out.RPS = backend.Some(m.RPS.V * share)
		}
		if share == 0 {
			return out
		}
		if m.ErrorRatePct.Valid {
			out.ErrorRatePct = backend.Some(m.ErrorRatePct.V * errors)
		}
		if m.P95MS.Valid {
			out.P95MS = backend.Some(m.P95MS.V * slower)
		}
		return out
	}
	switch {
	case green <= 0:
		return map[string]backend.Metrics{"blue": part(1, 1, 1), "green": part(0, 0, 0)}
	case green >= 1:
		return map[string]backend.Metrics{"blue": part(0, 0, 0), "green": part(1, 1, 1)}
	}
	// green·g + (1-green)·b = 1, g falling from 1.5 at 10 % to 1 at all
	// of it, so b stays positive whatever the split.
	g := 1 + (canaryErrors-1)*(1-green)/(1-canaryShare)
	b := (1 - green*g) / (1 - green)
	return map[string]backend.Metrics{"blue": part(1-green, b, 1), "green": part(green, g, 1.08)}
}

// greenShare is green's share of the requests of service s now: the one
// an operator's command set during the current deploy, else the canary's.
// A new deploy starts a new canary.
func (s *service) greenShare(o ops, t time.Time) float64 {
	if k, _ := s.epoch(0, t.Unix()); o.traffic.set && o.traffic.deploy == k {
		return o.traffic.green
	}
	return canaryShare
}

// retired is the colour an operator decommissioned during the current
// deploy ("" none): its containers are exited.
func (s *service) retired(o ops, t time.Time) string {
	if k, _ := s.epoch(0, t.Unix()); o.traffic.deploy == k {
		return o.traffic.retired
	}
	return ""
}
