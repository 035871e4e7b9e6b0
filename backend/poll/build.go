package poll

import (
	"maps"

	"github.com/manacore/opsdeck/backend"
)

// buildLocked merges the newest partial of every source into a snapshot.
// Partials of a failed source are kept (its feed is marked stale instead).
// When no partial changed since the last build, only the sources' status
// is new: the fleet data and its Rev are carried over unchanged.
func (p *Poller) buildLocked() backend.Snapshot {
	s := backend.Snapshot{
		Environment: p.cfg.Environment,
		Demo:        p.cfg.Demo,
		Thresholds:  p.cfg.Thresholds,
		At:          p.clock(),
		Sources:     make([]backend.SourceStatus, 0, len(p.jobs)),
	}
	for _, j := range p.jobs {
		s.Sources = append(s.Sources, j.status)
	}
	if !p.dirty {
		prev := p.current
		s.Rev, s.Services, s.Alerts, s.Databases, s.Dependencies = prev.Rev, prev.Services, prev.Alerts, prev.Databases, prev.Dependencies
		return s
	}
	p.dirty = false
	s.Rev = p.current.Rev + 1
	var inventory []backend.Service
	metrics := backend.Partial{
		Metrics:    map[string]backend.Metrics{},
		P95History: map[string]backend.Series{},
		Uptime:     map[string]backend.Value{},

		ColourMetrics: map[string]map[string]backend.Metrics{},
	}
	for _, j := range p.jobs {
		part := j.partial
		for _, f := range j.status.Feeds {
			switch f {
			case backend.FeedInventory:
				inventory = append(inventory, part.Services...)
			case backend.FeedMetrics:
				for name, m := range part.Metrics {
					metrics.Metrics[name] = metrics.Metrics[name].Fill(m)
				}
				maps.Copy(metrics.P95History, part.P95History)
				maps.Copy(metrics.Uptime, part.Uptime)
				maps.Copy(metrics.ColourMetrics, part.ColourMetrics)
			case backend.FeedAlerts:
				s.Alerts = append(s.Alerts, part.Alerts...)
			case backend.FeedDatabases:
				s.Databases = append(s.Databases, part.Databases...)
			case backend.FeedDependencies:
				s.Dependencies = append(s.Dependencies, part.Dependencies...)
			}
		}
	}
	backend.SortAlerts(s.Alerts) // one order across all alert sources
	s.Services = backend.Merge(p.cfg.Services, inventory, metrics)
	return s
}
