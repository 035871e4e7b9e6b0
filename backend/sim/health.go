package sim

import (
	"context"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// CheckAll implements backend.HealthChecker for the demo: the simulated
// health URLs answer 200 in a plausible time, 503 for a service whose
// profile is down. Nothing leaves the machine, even though the demo's
// URLs are real-looking public ones.
func (f *Fleet) CheckAll(ctx context.Context) []backend.CheckResult {
	now := f.now()
	var out []backend.CheckResult
	for _, s := range f.services {
		if s.skel.HealthURL == "" {
			continue
		}
		r := backend.CheckResult{Target: backend.CheckTarget{Name: s.skel.Name, URL: s.skel.HealthURL}, At: now}
		if err := ctx.Err(); err != nil {
			r.Err = err.Error()
		} else {
			ms := s.key.with("health").at(now.Unix()/10).between(20, 80)
			r.Latency = time.Duration(ms * float64(time.Millisecond))
			r.Code, r.OK = 200, !s.down
			if s.down {
				r.Code = 503
			}
		}
		out = append(out, r)
	}
	return out
}
