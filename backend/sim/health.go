package sim

import (
	"context"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// CheckAll implements backend.HealthChecker for the demo: the simulated
// health URLs answer 200 in a plausible time, 503 for a service that
// crash-loops, and nothing for one an action stopped. Nothing leaves the machine, even though the demo's
// URLs are real-looking public ones.
func (f *Fleet) CheckAll(ctx context.Context) []backend.CheckResult {
	now := f.now()
	var out []backend.CheckResult
	for _, s := range f.services {
		if s.skel.HealthURL == "" {
			continue
		}
		o := f.opsOf(s.skel.Name)
		r := backend.CheckResult{Target: backend.CheckTarget{Name: s.skel.Name, URL: s.skel.HealthURL}, At: now}
		switch err := ctx.Err(); {
		case err != nil:
			r.Err = err.Error()
		case o.stopped:
			// Nothing listens behind a stopped service's proxy.
			r.Err = "connection refused"
		default:
			ms := s.key.with("health").at(now.Unix()/10).between(20, 80)
			r.Latency = time.Duration(ms * float64(time.Millisecond))
			r.Code, r.OK = 200, s.running(o)
			if !r.OK {
				r.Code = 503
			}
		}
		out = append(out, r)
	}
	return out
}

// CheckTargets implements backend.TargetChecker for the demo: a blue/green
// colour's own URLs (targets named "service/colour") answer 200 while that
// colour's container runs and are refused once it is stopped; a service's
// URL answers as in CheckAll; any other URL is not on the simulated fleet.
func (f *Fleet) CheckTargets(ctx context.Context, targets []backend.CheckTarget) []backend.CheckResult {
	now := f.now()
	out := make([]backend.CheckResult, 0, len(targets))
	for _, t := range targets {
		r := backend.CheckResult{Target: t, At: now}
		name, colour, _ := strings.Cut(t.Name, "/")
		s, ok := f.service(name)
		switch {
		case ctx.Err() != nil:
			r.Err = ctx.Err().Error()
		case !ok:
			r.Err = "no such host on the simulated fleet"
		default:
			o := f.opsOf(name)
			up := false
			for _, c := range s.shown(now, o) {
				if (colour == "" || c.Colour == colour) && c.State == backend.StateRunning {
					up = true
				}
			}
			if !up {
				r.Err = "connection refused"
				break
			}
			ms := s.key.with("health"+colour).at(now.Unix()/10).between(20, 80)
			r.Latency = time.Duration(ms * float64(time.Millisecond))
			r.Code, r.OK = 200, true
		}
		out = append(out, r)
	}
	return out
}
