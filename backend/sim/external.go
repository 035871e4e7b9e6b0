package sim

import (
	"math"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// database is one simulated connection pool.
type database struct {
	name                      string
	max                       float64
	conns, query, slow, cache wave
}

func newDatabase(seed int64, name string, p Profile) database {
	k := newKey(seed, name)
	lv := k.with("level")
	maxConns := p.MaxConnections
	if maxConns == 0 {
		maxConns = 20
	}
	conns := p.Connections
	if conns == 0 {
		conns = math.Round(lv.with("conns").between(0.2, 0.6) * maxConns)
	}
	query := orLevel(p.AvgQueryMS, lv.with("query"), 5, 80)
	cache := orLevel(p.CacheHitPct, lv.with("cache"), 95, 99.8)
	// In a profile, zero slow queries is a level ("none", like the seed's
	// manacore database), not a request to derive one.
	slow := p.SlowQueries
	if p == (Profile{}) {
		slow = math.Round(lv.with("slow").between(0, 5))
	}
	return database{
		name:  name,
		max:   maxConns,
		conns: newWave(k.with("conns"), conns, 0.6, 0.25),
		query: newWave(k.with("query"), query, 0.08*query, 0.04*query),
		slow:  newWave(k.with("slow"), slow, 0.25*slow, 0.15*slow),
		cache: newWave(k.with("cache"), cache, 0.2, 0.1),
	}
}

// databases are the pools at t. Connections are whole, never above the
// maximum, and stay on their level's side of both pool levels: a pool
// profiled at 9/10 never touches 10/10, which is down.
func (f *Fleet) databases(t time.Time) []backend.DBPool {
	sec := seconds(t)
	out := make([]backend.DBPool, len(f.dbs))
	for i := range f.dbs {
		d := &f.dbs[i]
		c := clamp(math.Round(d.conns.at(sec)), 0, d.max)
		lv := d.conns.level
		// Above the warning level warns: it is crossed past it.
		if lim := f.th.DBPoolPct.Warn / 100 * d.max; lim > 0 {
			switch {
			case lv <= lim && c > lim:
				c = math.Floor(lim)
			case lv > lim && c <= lim:
				c = math.Floor(lim) + 1
			}
		}
		// At the down level is down: it is crossed on reaching it.
		if lim := f.th.DBPoolPct.Down / 100 * d.max; lim > 0 {
			switch {
			case lv < lim && c >= lim:
				c = math.Ceil(lim) - 1
			case lv >= lim && c < lim:
				c = math.Ceil(lim)
			}
		}
		out[i] = backend.DBPool{
			Name:           d.name,
			Up:             true,
			Connections:    backend.Some(clamp(c, 0, d.max)),
			MaxConnections: backend.Some(d.max),
			AvgQueryMS:     backend.Some(math.Max(d.query.at(sec), 0.1)),
			SlowQueries:    backend.Some(math.Max(math.Round(d.slow.at(sec)), 0)),
			CacheHitPct:    backend.Some(clamp(d.cache.at(sec), 0, 100)),
		}
	}
	return out
}

// dependency is one simulated external probe.
type dependency struct {
	name             string
	latency, success wave
	probePhase       int64 // seconds into each probe interval
}

// probeEvery is how often the blackbox exporter probes a dependency.
const probeEvery = 10 // seconds

func newDependency(seed int64, name string, p Profile) dependency {
	k := newKey(seed, name)
	lv := k.with("level")
	latency := orLevel(p.LatencyMS, lv.with("latency"), 5, 300)
	success := orLevel(p.SuccessPct, lv.with("success"), 99.5, 100)
	return dependency{
		name:    name,
		latency: newWave(k.with("latency"), latency, 0.10*latency, 0.08*latency),
		// Success moves with the failures it has room for: a probe at 100%
		// stays at 100.0% to one decimal, one at 99.9% wobbles a little.
		success:    newWave(k.with("success"), success, 0.5*(100-success)+0.02, 0.02),
		probePhase: k.with("probe").intn(probeEvery),
	}
}

// dependencies are the probes at t. CheckedAt is the last probe tick, a few
// seconds before t, and holds between polls as a real probe result would.
func (f *Fleet) dependencies(t time.Time) []backend.Dependency {
	sec, ts := seconds(t), t.Unix()
	out := make([]backend.Dependency, len(f.deps))
	for i := range f.deps {
		d := &f.deps[i]
		checked := floorDiv(ts-d.probePhase, probeEvery)*probeEvery + d.probePhase
		// On its level's side of both success levels, as figures are.
		lv, floor := d.success.level, f.th.DependencySuccessPct
		success := clamp(keepSide(keepSide(d.success.at(sec), lv, floor.Warn), lv, floor.Down), 0, 100)
		out[i] = backend.Dependency{
			Name:       d.name,
			Up:         success >= 50,
			LatencyMS:  backend.Some(math.Max(d.latency.at(sec), 0.1)),
			SuccessPct: backend.Some(success),
			CheckedAt:  time.Unix(checked, 0).In(t.Location()),
		}
	}
	return out
}
