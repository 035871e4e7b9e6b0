//go:build integration

package prom

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

const backfillStart = "OPSDECK_TB_BACKFILL_START"

// onEachBackend runs test against every Prometheus-compatible server of the
// test bed: Prometheus itself and VictoriaMetrics, which scrapes the same
// targets and holds the same backfilled history (scripts/testbed). A
// figure that reads differently on VictoriaMetrics fails its subtest.
func onEachBackend(t *testing.T, test func(t *testing.T, promURL string)) {
	env := testbed.Need(t, testbed.PromURL, testbed.VMURL)
	for _, b := range []struct{ name, url string }{
		{"prometheus", env[testbed.PromURL]},
		{"victoriametrics", env[testbed.VMURL]},
	} {
		t.Run(b.name, func(t *testing.T) { test(t, b.url) })
	}
}

// The 24 h chart's request (the latency chart asks P95Range over the last
// ChartRange at a 15 minute step) gives the same series on both servers:
// every point inside the backfilled window is the known p95 on each, and
// wherever both have a point they agree.
func TestIntegrationChartRangeSameOnBoth(t *testing.T) {
	env := testbed.Need(t, testbed.PromURL, testbed.VMURL, backfillEnd)
	startSec, err1 := strconv.ParseInt(env[backfillStart], 10, 64)
	endSec, err2 := strconv.ParseInt(env[backfillEnd], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("backfill window %q..%q: %v %v", env[backfillStart], env[backfillEnd], err1, err2)
	}
	const step = 15 * time.Minute
	// The chart's request ends now; on a bed backfilled hours ago most of
	// that day is past the known history, so it ends where the history
	// does instead (same range, same step).
	end := time.Now()
	if bf := time.Unix(endSec, 0); end.After(bf) {
		end = bf
	}
	end = end.Truncate(step)
	start := end.Add(-24 * time.Hour)
	ask := func(url string) map[string]backend.Series {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		got, _, err := tbSource(t, url, nil).P95Range(ctx, start, end, step)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		return got
	}
	prom, vm := ask(env[testbed.PromURL]), ask(env[testbed.VMURL])
	// rate() needs two samples of the 60 s history: the first points of the
	// window are left out.
	known := func(at time.Time) bool {
		return !at.Before(time.Unix(startSec, 0).Add(10*time.Minute)) && !at.After(time.Unix(endSec, 0))
	}
	for _, svc := range tbServices {
		p, v := prom[svc], vm[svc]
		if len(p.Points) != len(v.Points) || !p.Start.Equal(v.Start) || p.Step != v.Step {
			t.Fatalf("%s: prometheus %d points from %s step %s, victoriametrics %d from %s step %s",
				svc, len(p.Points), p.Start, p.Step, len(v.Points), v.Start, v.Step)
		}
		inWindow := 0
		for i := range p.Points {
			at := p.Start.Add(time.Duration(i) * step)
			switch {
			case known(at):
				inWindow++
				if want := tbBackfillP95MS[svc]; !near(p.Points[i], want, 0.5) || !near(v.Points[i], want, 0.5) {
					t.Errorf("%s at %s: prometheus %+v, victoriametrics %+v, want %g ms", svc, at.Format(time.RFC3339), p.Points[i], v.Points[i], want)
				}
			case p.Points[i].Valid && v.Points[i].Valid && !near(v.Points[i], p.Points[i].V, 0.5):
				t.Errorf("%s at %s: prometheus %g ms, victoriametrics %g ms", svc, at.Format(time.RFC3339), p.Points[i].V, v.Points[i].V)
			}
		}
		if inWindow < 80 {
			t.Errorf("%s: only %d points of the chart inside the backfilled window", svc, inWindow)
		}
	}
}
