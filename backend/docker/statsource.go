package docker

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/manacore/opsdeck/backend"
)

// StatsSource turns one engine's container stats into the CPU and memory
// figures of its services. It is a separate source from the inventory so
// it can run at a slower cadence (stats are the expensive part of the
// Docker API) and so a fleet whose Prometheus has cAdvisor can leave it
// out. Figures Prometheus also gives win: the poller only fills what is
// missing (see backend.Metrics.Fill).
//
// A fetch asks for at most statsRounds × StatsConcurrency samples, so its
// cost does not grow with the fleet: the containers sampled least recently
// go first, and every container keeps the figures of its last two samples.
// A fleet under that budget is sampled whole on every fetch; a larger one
// in turns (200 containers at concurrency 8: each every fifth fetch).
type StatsSource struct {
	e       *Engine
	covered func(service string) bool // see SkipCovered; nil: none
	// sample takes one sample of each container (Engine.sampleAll; tests
	// replace it).
	sample sampler
	budget int           // samples per fetch
	window time.Duration // between a new container's two samples

	mu      sync.Mutex
	fetches uint64
	seen    map[string]*sampled // container ID → its samples
}

// sampled is what a StatsSource keeps of one container: memory comes from
// the latest sample, CPU from the latest two.
type sampled struct {
	last  container.StatsResponse // the latest sample
	stats Stats                   // from the last two samples, when cpu
	cpu   bool
	fetch uint64 // the fetch that took last
}

// statsRounds bounds a fetch to this many rounds of StatsConcurrency
// requests. On Engine 20.10 each one-shot request waits for the daemon's
// 1 s collection tick, which the requests in flight share, so a fetch
// takes about statsRounds seconds: well inside the stats timeout (12 s).
const statsRounds = 6

// StatsSource returns the engine's stats source.
func (e *Engine) StatsSource() *StatsSource {
	return &StatsSource{e: e, sample: e.sampleAll, budget: statsRounds * cap(e.statsSem), window: statsWindow, seen: map[string]*sampled{}}
}

// SkipCovered leaves out the containers of every service for which
// covered reports CPU and memory from another source (Prometheus with
// cAdvisor): Docker is not asked for figures that would not be shown. Call
// it before the poller runs. A service the other source stops covering
// (Prometheus down) is sampled again at the next fetch.
func (s *StatsSource) SkipCovered(covered func(service string) bool) { s.covered = covered }

func (s *StatsSource) Name() string          { return "stats@" + s.e.cfg.Name }
func (s *StatsSource) Kind() string          { return "docker" }
func (s *StatsSource) Feeds() []backend.Feed { return []backend.Feed{backend.FeedMetrics} }

// Fetch samples its share of the running containers of the current
// inventory and sums every container's latest figures per service: CPU in
// percent of one core, memory in bytes and in percent of the summed
// limits.
func (s *StatsSource) Fetch(ctx context.Context) (backend.Partial, error) {
	inv, err := s.e.Fetch(ctx)
	if err != nil {
		return backend.Partial{}, err
	}
	ids, owner := statTargets(inv.Services, s.covered)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget(owner)
	if len(ids) == 0 {
		return backend.Partial{}, nil
	}
	errs := s.sampleShare(ctx, ids)
	out := s.sums(owner)
	if err := summarize(errs, len(ids)); err != nil {
		if len(out.Metrics) == 0 {
			return backend.Partial{}, err
		}
		// Some containers answered: keep their figures, show the rest.
		return out, &backend.IncompleteError{Err: err}
	}
	return out, nil
}

// forget drops the containers that are no longer targets: gone, stopped,
// or now covered by another source.
func (s *StatsSource) forget(owner map[string]string) {
	for id := range s.seen {
		if _, ok := owner[id]; !ok {
			delete(s.seen, id)
		}
	}
}

// sampleShare takes this fetch's samples. A container seen before needs
// one sample (the figures come from it and the one before). New ones need
// two, statsWindow apart, for a CPU figure: they get both while the budget
// allows it for all of them, otherwise one now (memory) and CPU at their
// next turn, so that a large fleet is covered as fast as possible.
func (s *StatsSource) sampleShare(ctx context.Context, ids []string) []error {
	s.fetches++
	fresh, again, twice := planSamples(ids, s.seen, s.budget)
	start := time.Now()
	first, errs := s.sample(ctx, append(slices.Clip(fresh), again...))
	for _, id := range again {
		if cur, ok := first[id]; ok {
			s.seen[id].take(cur, s.fetches)
		}
	}
	var second []string
	for _, id := range fresh {
		if cur, ok := first[id]; ok {
			s.seen[id] = &sampled{last: cur, fetch: s.fetches}
			second = append(second, id)
		}
	}
	if !twice || len(second) == 0 {
		return errs
	}
	cur, errs2 := resample(ctx, start, s.window, s.sample, second)
	for id, c := range cur {
		s.seen[id].take(c, s.fetches)
	}
	return append(errs, errs2...)
}

// take records a container's newest sample, taken by fetch; CPU comes
// from it and the one before.
func (c *sampled) take(cur container.StatsResponse, fetch uint64) {
	c.stats, c.cpu = compute(c.last, cur), true
	c.last, c.fetch = cur, fetch
}

// planSamples picks a fetch's containers within budget samples: every new
// container first (as many as fit with one sample each), then those seen
// before, least recently sampled first. twice says whether the new ones
// get their second sample (for CPU) in this fetch: only when that fits.
func planSamples(ids []string, seen map[string]*sampled, budget int) (fresh, again []string, twice bool) {
	var known []string
	for _, id := range ids {
		if seen[id] == nil {
			if len(fresh) < budget {
				fresh = append(fresh, id)
			}
		} else {
			known = append(known, id)
		}
	}
	slices.SortStableFunc(known, func(a, b string) int { return cmp.Compare(seen[a].fetch, seen[b].fetch) })
	left := budget - 2*len(fresh)
	twice = left >= 0
	if !twice {
		left = budget - len(fresh)
	}
	return fresh, known[:min(left, len(known))], twice
}

// sums adds up every sampled container's figures per service. A service
// none of whose containers has two samples yet has no CPU figure.
func (s *StatsSource) sums(owner map[string]string) backend.Partial {
	type sum struct {
		cpu, mem, limit, disk float64
		cpuOK                 bool
	}
	sums := map[string]*sum{}
	for id, c := range s.seen {
		name := owner[id]
		if sums[name] == nil {
			sums[name] = &sum{}
		}
		v := sums[name]
		if c.cpu { // two samples: the rates are known
			v.cpu += c.stats.CPUPct
			v.disk += c.stats.BlkReadBps + c.stats.BlkWriteBps
			v.cpuOK = true
		}
		v.mem += float64(memUsed(c.last.MemoryStats))
		v.limit += float64(c.last.MemoryStats.Limit)
	}
	out := backend.Partial{Metrics: map[string]backend.Metrics{}}
	for name, v := range sums {
		m := backend.Metrics{MemBytes: backend.Some(v.mem)}
		if v.cpuOK {
			m.CPUPct, m.DiskBps = backend.Some(v.cpu), backend.Some(v.disk)
		}
		if v.limit > 0 {
			m.MemPct = backend.Some(100 * v.mem / v.limit)
		}
		out.Metrics[name] = m
	}
	return out
}

// statTargets are the running containers to sample, with the service each
// belongs to; services that covered reports are left out.
func statTargets(services []backend.Service, covered func(string) bool) (ids []string, owner map[string]string) {
	owner = map[string]string{} // container ID → service name
	for _, svc := range services {
		if covered != nil && covered(svc.Name) {
			continue
		}
		for _, c := range svc.Containers {
			if c.State == backend.StateRunning {
				owner[c.ID] = svc.Name
				ids = append(ids, c.ID)
			}
		}
	}
	return ids, owner
}
