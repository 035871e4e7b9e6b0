package docker

import (
	"context"

	"github.com/manacore/opsdeck/backend"
)

// StatsSource turns one engine's container stats into the CPU and memory
// figures of its services. It is a separate source from the inventory so
// it can run at a slower cadence (stats are the expensive part of the
// Docker API) and so a fleet whose Prometheus has cAdvisor can leave it
// out. Figures Prometheus also gives win: the poller only fills what is
// missing (see backend.Metrics.Fill).
type StatsSource struct {
	e       *Engine
	covered func(service string) bool // see SkipCovered; nil: none
}

// StatsSource returns the engine's stats source.
func (e *Engine) StatsSource() *StatsSource { return &StatsSource{e: e} }

// SkipCovered leaves out the containers of every service for which
// covered reports CPU and memory from another source (Prometheus with
// cAdvisor): Docker is not asked for figures that would not be shown. Call
// it before the poller runs. A service the other source stops covering
// (Prometheus down) is sampled again at the next fetch.
func (s *StatsSource) SkipCovered(covered func(service string) bool) { s.covered = covered }

func (s *StatsSource) Name() string          { return "stats@" + s.e.cfg.Name }
func (s *StatsSource) Kind() string          { return "docker" }
func (s *StatsSource) Feeds() []backend.Feed { return []backend.Feed{backend.FeedMetrics} }

// Fetch samples the running containers of the current inventory and sums
// them per service: CPU in percent of one core, memory in bytes and in
// percent of the summed limits.
func (s *StatsSource) Fetch(ctx context.Context) (backend.Partial, error) {
	inv, err := s.e.Fetch(ctx)
	if err != nil {
		return backend.Partial{}, err
	}
	ids, owner := statTargets(inv.Services, s.covered)
	if len(ids) == 0 {
		return backend.Partial{}, nil
	}
	stats, err := s.e.Stats(ctx, ids)
	if len(stats) == 0 && err != nil {
		return backend.Partial{}, err
	}
	type sum struct{ cpu, mem, limit float64 }
	sums := map[string]*sum{}
	for id, st := range stats {
		name := owner[id]
		if sums[name] == nil {
			sums[name] = &sum{}
		}
		sums[name].cpu += st.CPUPct
		sums[name].mem += float64(st.MemBytes)
		sums[name].limit += float64(st.MemLimitBytes)
	}
	out := backend.Partial{Metrics: map[string]backend.Metrics{}}
	for name, v := range sums {
		m := backend.Metrics{CPUPct: backend.Some(v.cpu), MemBytes: backend.Some(v.mem)}
		if v.limit > 0 {
			m.MemPct = backend.Some(100 * v.mem / v.limit)
		}
		out.Metrics[name] = m
	}
	if err != nil {
		// Some containers answered: keep their figures, show the rest.
		return out, &backend.IncompleteError{Err: err}
	}
	return out, nil
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
