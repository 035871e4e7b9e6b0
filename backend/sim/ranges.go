package sim

import (
	"context"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// P95Range implements backend.RangeQuerier with the same function the
// current p95 and the sparkline use, so the chart ends where they do.
func (f *Fleet) P95Range(ctx context.Context, start, end time.Time, step time.Duration) (map[string]backend.Series, []backend.Caveat, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if step <= 0 || end.Before(start) {
		return map[string]backend.Series{}, nil, nil
	}
	n := int(end.Sub(start)/step) + 1
	out := make(map[string]backend.Series, len(f.services))
	for i := range f.services {
		s := &f.services[i]
		pts := make([]backend.Value, n)
		for j := range pts {
			if s.down {
				continue // a dead target has no samples
			}
			pts[j] = backend.Some(s.p95At(seconds(start.Add(time.Duration(j)*step)), f.th))
		}
		out[s.skel.Name] = backend.Series{Start: start, Step: step, Points: pts}
	}
	return out, nil, nil
}
