// Package sim is a deterministic simulated fleet: the data of opsdeck's
// built-in demo and the test double for fast view tests. It is never a
// replacement for real components in integration tests.
//
// A Fleet offers two sources, "docker" (inventory) and "prometheus"
// (metrics, alerts, databases, dependencies), so a demo or test can break
// one (Fail, Delay) and show one panel stale while the others stay live.
// Every figure is a pure function of (seed, name, clock time): a profile's
// level, moved by a few smooth sines and a little jitter.
package sim

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Source names, as Fail and Delay take them.
const (
	Docker     = "docker"
	Prometheus = "prometheus"
)

// Config describes the fleet to simulate.
type Config struct {
	Seed  int64
	Clock func() time.Time // nil means time.Now
	// Services is the skeleton from the config: Project, Component, Name,
	// Host and HealthURL are used, anything else is ignored.
	Services     []backend.Service
	Databases    []string
	Dependencies []string
	Profiles     map[string]Profile // by service / database / dependency name
	// BlueGreen names the services deployed blue/green: they run a blue
	// and a green container and report figures per colour.
	BlueGreen  []string
	Thresholds backend.Thresholds // alerts are raised against these
}

// Fleet is a simulated fleet. Its sources are safe for concurrent use.
type Fleet struct {
	seed     int64
	clock    func() time.Time
	th       backend.Thresholds
	services []service
	dbs      []database
	deps     []dependency

	mu       sync.Mutex
	ctl      map[string]control // by source name
	alerts   alertMemory
	ops      map[string]ops // what actions did, by service name
	silenced []silence      // the silences made in the demo, oldest first

	histMu sync.Mutex
	hist   historyCache // see historyGrid
}

// control is what Fail and Delay set for one source.
type control struct {
	err   error
	delay time.Duration
}

// New builds the fleet; all levels are fixed here, so fetches only evaluate
// waves.
func New(cfg Config) *Fleet {
	f := &Fleet{
		seed:  cfg.Seed,
		clock: cfg.Clock,
		th:    cfg.Thresholds,
		ctl:   map[string]control{},
		ops:   map[string]ops{},
	}
	if f.clock == nil {
		f.clock = time.Now
	}
	for _, s := range cfg.Services {
		svc := newService(cfg.Seed, s, cfg.Profiles[s.Name])
		svc.blueGreen = slices.Contains(cfg.BlueGreen, s.Name)
		f.services = append(f.services, svc)
	}
	for _, name := range cfg.Databases {
		f.dbs = append(f.dbs, newDatabase(cfg.Seed, name, cfg.Profiles[name]))
	}
	for _, name := range cfg.Dependencies {
		f.deps = append(f.deps, newDependency(cfg.Seed, name, cfg.Profiles[name]))
	}
	return f
}

// Sources returns the fleet's two sources, "docker" and "prometheus", both
// of kind "sim".
func (f *Fleet) Sources() []backend.Source {
	return []backend.Source{
		&source{fleet: f, name: Docker, feeds: []backend.Feed{backend.FeedInventory}, build: f.inventory},
		&source{fleet: f, name: Prometheus, feeds: []backend.Feed{
			backend.FeedMetrics, backend.FeedAlerts, backend.FeedDatabases, backend.FeedDependencies,
		}, build: f.telemetry},
	}
}

// Fail makes the named source's Fetch return err until Fail(source, nil).
// A name that is not one of the fleet's sources has no effect.
func (f *Fleet) Fail(source string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.ctl[source]
	c.err = err
	f.ctl[source] = c
}

// Delay makes the named source's Fetch wait d before answering (zero: no
// wait), returning ctx.Err() if ctx ends sooner, as a slow server would.
func (f *Fleet) Delay(source string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.ctl[source]
	c.delay = d
	f.ctl[source] = c
}

func (f *Fleet) control(source string) control {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ctl[source]
}

// now is the clock without its monotonic reading, so two fetches at the
// same instant compare equal.
func (f *Fleet) now() time.Time { return f.clock().Round(0) }

// source is one of the fleet's two faces.
type source struct {
	fleet *Fleet
	name  string
	feeds []backend.Feed
	build func(t time.Time) backend.Partial
}

func (s *source) Name() string          { return s.name }
func (s *source) Kind() string          { return "sim" }
func (s *source) Feeds() []backend.Feed { return append([]backend.Feed(nil), s.feeds...) }

// Fetch waits the configured delay, then fails if told to, else computes
// the partial at the clock's time. It does no I/O.
func (s *source) Fetch(ctx context.Context) (backend.Partial, error) {
	if d := s.fleet.control(s.name).delay; d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return backend.Partial{}, ctx.Err()
		case <-timer.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return backend.Partial{}, err
	}
	// Read again after the wait: a Fail issued meanwhile applies, as it
	// would to a server that went away while answering.
	if err := s.fleet.control(s.name).err; err != nil {
		return backend.Partial{}, err
	}
	return s.build(s.fleet.now()), nil
}
