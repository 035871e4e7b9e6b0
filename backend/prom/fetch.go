package prom

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"golang.org/x/sync/errgroup"

	"github.com/manacore/opsdeck/backend"
)

// maxPoints is Prometheus' limit on points per series of a range query
// (web/api/v1 queryRange rejects more with bad_data).
const maxPoints = 11000

// Fetch implements backend.Source. Its requests run at most Concurrency
// at a time, all evaluated at the same instant so the figures of one
// refresh agree: the combined request of every instant-vector figure, one
// request for each other figure (see combine.go), the p95 history unless
// it is reused, and the alerts when enabled. If some fail, the figures that
// arrived are returned with a *backend.IncompleteError wrapping an *Error
// that names the failed ones; if all fail, the *Error alone.
func (s *Source) Fetch(ctx context.Context) (backend.Partial, error) {
	now := s.now()
	timeout := timeoutOf(ctx)
	hStart, hEnd, hStep := s.historyWindow(now)

	results := make([]model.Value, len(s.figures))
	failed := make([]error, len(s.figures))
	together, alone, reused := s.plan(now, results)
	var (
		hist               model.Value
		alerts             v1.AlertsResult
		histErr, alertsErr error
		togetherErr        error
		cached, reuseHist  = s.history.get(hEnd, now)
		cv                 caveats
	)
	g := new(errgroup.Group)
	g.SetLimit(Concurrency)
	if len(together) > 0 {
		g.Go(func() error {
			togetherErr = s.askTogether(ctx, together, now, timeout, results, &cv)
			return nil // a failed request must not cancel the others
		})
	}
	for _, i := range alone {
		g.Go(func() error {
			results[i], failed[i] = s.askAlone(ctx, i, now, timeout, &cv)
			return nil
		})
	}
	if !reuseHist {
		g.Go(func() error {
			var (
				size int
				rm   remarks
			)
			hist, size, rm, histErr = s.query.rangeQuery(ctx, s.p95Range, v1.Range{Start: hStart, End: hEnd, Step: hStep}, timeout, s.historySize)
			cv.add(rm, backend.FeedMetrics)
			if histErr == nil {
				s.historySize = size
			}
			return nil
		})
	}
	if s.cfg.Queries.Alerts {
		g.Go(func() error {
			alerts, alertsErr = s.api.Alerts(ctx)
			return nil
		})
	}
	_ = g.Wait()
	if togetherErr != nil {
		s.fallBack(ctx, together, togetherErr, now, timeout, results, failed, &cv)
	}
	for i, f := range s.figures {
		if !reused[i] && failed[i] == nil {
			s.slow.put(f.key, now, results[i])
		}
	}

	var errs []FigureError
	for i, err := range failed {
		if err != nil {
			errs = append(errs, FigureError{Figure: s.figures[i].key, Err: err})
		}
	}
	asked := len(together) + len(alone) // the figures not reused
	if !reuseHist {
		asked++
		if histErr != nil {
			errs = append(errs, FigureError{Figure: keyP95Range, Err: histErr})
		}
	}
	if s.cfg.Queries.Alerts {
		asked++
		if alertsErr != nil {
			errs = append(errs, FigureError{Figure: keyAlerts, Err: alertsErr})
		}
	}
	if len(errs) == asked {
		s.noteResources(backend.Partial{})
		return backend.Partial{}, &Error{Source: s.label(), Auth: s.cfg.Auth, Failed: errs, All: true}
	}

	part := s.assemble(results)
	part.Caveats = cv.all()
	s.noteResources(part)
	if reuseHist {
		part.P95History = cached
	} else {
		part.P95History = s.keepServices(toSeries(hist, s.cfg.ServiceLabel, hStart, hEnd, hStep, 1000))
		if histErr == nil {
			s.history.put(hEnd, now, part.P95History)
		}
	}
	if s.cfg.Queries.Alerts && alertsErr == nil {
		part.Alerts = convertAlerts(alerts.Alerts, s.cfg.ServiceLabel)
	}
	if len(errs) > 0 {
		return part, &backend.IncompleteError{Err: &Error{Source: s.label(), Auth: s.cfg.Auth, Failed: errs}}
	}
	return part, nil
}

// P95Range returns the p95 latency of every service in milliseconds (like
// Metrics.P95MS and the sparkline history) from start to end in steps of
// step, from ONE range query (the 24h chart). Series are aligned on start;
// points without data are missing.
func (s *Source) P95Range(ctx context.Context, start, end time.Time, step time.Duration) (map[string]backend.Series, []backend.Caveat, error) {
	switch {
	case step <= 0:
		return nil, nil, fmt.Errorf("p95 range: step must be positive, got %s", step)
	case end.Before(start):
		return nil, nil, fmt.Errorf("p95 range: end %s is before start %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	case end.Sub(start)/step >= maxPoints:
		minStep := (end.Sub(start) + (maxPoints-1)*time.Second - 1) / (maxPoints - 1) / time.Second * time.Second
		return nil, nil, fmt.Errorf("p95 range: %s in steps of %s exceeds Prometheus' %d points per series; use a step of at least %s",
			end.Sub(start), step, maxPoints, minStep)
	}
	v, _, rm, err := s.query.rangeQuery(ctx, s.p95Range, v1.Range{Start: start, End: end, Step: step}, timeoutOf(ctx), 0)
	if err != nil {
		return nil, nil, &Error{Source: s.label(), Auth: s.cfg.Auth, Failed: []FigureError{{keyP95Range, err}}, All: true}
	}
	var cv caveats
	cv.add(rm, backend.FeedMetrics)
	return s.keepServices(toSeries(v, s.cfg.ServiceLabel, start, end, step, 1000)), cv.all(), nil
}

// label names the server in errors.
func (s *Source) label() string { return "prometheus " + s.host }

// slowFigures change too little between refreshes to ask for them on
// every one: uptime averages a day of `up`, so a minute-old answer
// differs in the fourth digit, while asking costs Prometheus a day of
// samples of every series each time.
var slowFigures = map[string]time.Duration{keyUptime: time.Minute}

// slowCache holds the last answer of each slow figure.
type slowCache map[string]slowAnswer

type slowAnswer struct {
	at time.Time
	v  model.Value
}

// get returns a slow figure's answer if it is younger than the figure's
// period.
func (c slowCache) get(key string, now time.Time) (model.Value, bool) {
	a, ok := c[key]
	if !ok || now.Sub(a.at) >= slowFigures[key] || now.Before(a.at) {
		return nil, false
	}
	return a.v, true
}

func (c slowCache) put(key string, now time.Time, v model.Value) {
	if _, slow := slowFigures[key]; slow {
		c[key] = slowAnswer{at: now, v: v}
	}
}

// historySettle is how long after a sparkline step's end its history is
// asked for again: a sample scraped just before the end may be stored a
// little after it. So the history is asked for twice a step: by the first
// fetch after the step's end, whose grid serves until the step settles,
// and by the first fetch after that, whose grid cannot change any more and
// serves the rest of the step. Asking on every refresh instead cost
// Prometheus every series' points each time (the largest answer of a
// fetch).
const historySettle = 10 * time.Second

// historyCache is the last sparkline grid a fetch got.
type historyCache struct {
	end, fetched time.Time
	series       map[string]backend.Series
}

// get returns the cached grid if it ends at end and still serves at now:
// fetched settled, or now not settled yet either.
func (c *historyCache) get(end, now time.Time) (map[string]backend.Series, bool) {
	if c.series == nil || !c.end.Equal(end) {
		return nil, false
	}
	if c.fetched.Sub(end) < historySettle && now.Sub(end) >= historySettle {
		return nil, false
	}
	return c.series, true
}

func (c *historyCache) put(end, now time.Time, series map[string]backend.Series) {
	c.end, c.fetched, c.series = end, now, series
}

// historyWindow is the sparkline grid: HistoryRange ending at the last
// whole step, so consecutive refreshes share points instead of shifting
// every sample by a few seconds.
func (s *Source) historyWindow(now time.Time) (start, end time.Time, step time.Duration) {
	step = s.cfg.HistoryRange / historySteps
	end = now.Truncate(step)
	return end.Add(-historySteps * step), end, step
}

// timeoutOf is the whole seconds left before ctx's deadline, 0 for none or
// less than a second. It is passed on to Prometheus, so a query the
// console has given up on stops using the server too; Prometheus wants a
// duration it can parse, hence whole seconds.
func timeoutOf(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return 0
	}
	d := time.Until(dl).Truncate(time.Second)
	if d < time.Second {
		return 0
	}
	return d
}

// assemble joins the figure results by service, database and dependency.
func (s *Source) assemble(results []model.Value) backend.Partial {
	idx := map[string]map[string]sample{}
	var svcRes, dbRes, depRes []map[string]sample
	colours := map[string]map[colourKey]float64{}
	for i, f := range s.figures {
		var m map[string]sample
		switch f.kind {
		case perColour:
			colours[f.key] = byColour(results[i], s.cfg.ServiceLabel, s.cfg.ColourLabel)
			continue
		case perService:
			m = byLabel(results[i], s.cfg.ServiceLabel)
			svcRes = append(svcRes, m)
		case perDatabase:
			m = byLabel(results[i], "datname")
			dbRes = append(dbRes, m)
		case perDependency:
			m = byLabel(results[i], "instance")
			depRes = append(depRes, m)
		}
		idx[f.key] = m
	}

	part := backend.Partial{Metrics: map[string]backend.Metrics{}, Uptime: map[string]backend.Value{}}
	services := s.cfg.Services
	if len(services) == 0 {
		services = labelValues(svcRes)
	}
	for _, name := range services {
		get := func(key string) backend.Value { return value(idx[key], name) }
		part.Metrics[name] = backend.Metrics{
			RPS:          get(keyRPS),
			ErrorRatePct: get(keyErrorRate),
			P95MS:        ms(get(keyP95)),
			AvgLatencyMS: ms(get(keyAvgLatency)),
			CPUPct:       get(keyCPU),
			MemPct:       get(keyMemPct),
			MemBytes:     get(keyMemBytes),
			DiskBps:      get(keyDisk),
		}
		part.Uptime[name] = get(keyUptime)
	}

	if len(colours) > 0 {
		part.ColourMetrics = s.colourMetrics(colours)
	}

	databases := s.cfg.Databases
	if len(databases) == 0 {
		databases = labelValues(dbRes)
	}
	for _, db := range databases {
		get := func(key string) backend.Value {
			if _, ok := idx[key][db]; ok {
				return value(idx[key], db)
			}
			return value(idx[key], "") // per-exporter figure: applies to every database
		}
		up := get(keyDBUp)
		part.Databases = append(part.Databases, backend.DBPool{
			Name:           db,
			Up:             up.Valid && up.V == 1,
			Connections:    get(keyDBConns),
			MaxConnections: get(keyDBMaxConns),
			AvgQueryMS:     ms(get(keyDBAvgQuery)),
			SlowQueries:    get(keyDBSlow),
			CacheHitPct:    get(keyDBCacheHit),
		})
	}

	for _, d := range s.dependencies(depRes) {
		get := func(key string) (backend.Value, sample) {
			for _, inst := range []string{d.url, strings.TrimSuffix(d.url, "/"), d.url + "/"} {
				if smp, ok := idx[key][inst]; ok {
					return backend.Some(smp.v), smp
				}
			}
			return backend.None(), sample{}
		}
		up, probe := get(keyDepUp)
		lat, _ := get(keyDepLatency)
		ok, _ := get(keyDepSuccess)
		part.Dependencies = append(part.Dependencies, backend.Dependency{
			Name:       d.name,
			Up:         up.Valid && up.V == 1,
			LatencyMS:  ms(lat),
			SuccessPct: ok,
			CheckedAt:  probe.at,
		})
	}
	return part
}

type dependency struct{ name, url string }

// dependencies lists the configured dependencies by name, or, when none
// are configured, every probed instance under its URL.
func (s *Source) dependencies(results []map[string]sample) []dependency {
	var out []dependency
	for name, u := range s.cfg.Dependencies {
		out = append(out, dependency{name, u})
	}
	if len(out) == 0 {
		for _, inst := range labelValues(results) {
			out = append(out, dependency{inst, inst})
		}
	}
	slices.SortFunc(out, func(a, b dependency) int { return strings.Compare(a.name, b.name) })
	return out
}

// keepServices drops series of services the config does not name.
func (s *Source) keepServices(m map[string]backend.Series) map[string]backend.Series {
	if len(s.cfg.Services) == 0 {
		return m
	}
	out := make(map[string]backend.Series, len(s.cfg.Services))
	for _, name := range s.cfg.Services {
		if ser, ok := m[name]; ok {
			out[name] = ser
		}
	}
	return out
}

// noteResources records which services the fetch gave both CPU and memory
// for (see HasResources).
func (s *Source) noteResources(part backend.Partial) {
	has := make(map[string]bool, len(part.Metrics))
	for name, m := range part.Metrics {
		if m.CPUPct.Valid && (m.MemBytes.Valid || m.MemPct.Valid) {
			has[name] = true
		}
	}
	s.mu.Lock()
	s.resources = has
	s.mu.Unlock()
}

// HasResources reports whether the last fetch gave CPU and memory for the
// service (cAdvisor, or queries of the config), so Docker need not be
// asked for its containers' stats. False before the first fetch and after
// a failed one.
func (s *Source) HasResources(service string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resources[service]
}
