package sim

import (
	"math"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// historyPoints is the p95 sparkline: the last hour at one-minute steps.
const historyPoints = 61

// telemetry is the "prometheus" source's answer: metrics, p95 history and
// uptime by service, the alerts they raise, databases and dependencies.
func (f *Fleet) telemetry(t time.Time) backend.Partial {
	n := len(f.services)
	p := backend.Partial{
		Metrics:    make(map[string]backend.Metrics, n),
		P95History: make(map[string]backend.Series, n),
		Uptime:     make(map[string]backend.Value, n),
	}
	sec := seconds(t)
	grid := f.historyGrid(t)
	for i := range f.services {
		s := &f.services[i]
		name := s.skel.Name
		p.Uptime[name] = backend.Some(s.uptime)
		o := f.opsOf(name)
		if !s.running(o) {
			// Prometheus cannot scrape a dead target: its figures are
			// missing, not zero (a zero error rate would read as healthy).
			continue
		}
		p.Metrics[name] = s.metrics(sec, f.th)
		if s.blueGreen {
			if p.ColourMetrics == nil {
				p.ColourMetrics = map[string]map[string]backend.Metrics{}
			}
			p.ColourMetrics[name] = colourMetrics(p.Metrics[name], s.greenShare(o, t))
		}
		p.P95History[name] = s.history(t, grid[i], f.th)
	}
	p.Alerts = f.raise(t, p.Metrics)
	p.Databases = f.databases(t)
	p.Dependencies = f.dependencies(t)
	return p
}

// seconds is t as fractional Unix seconds, the waves' time axis.
func seconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// p95At is the one function both the current p95 and its history use, so
// the sparkline ends where the figure stands.
func (s *service) p95At(sec float64, th backend.Thresholds) float64 {
	v := keepSide(s.p95.at(sec), s.p95.level, ms(th.P95Target))
	return keepReach(v, s.p95.level, ms(th.P95Down))
}

// metrics are the service's figures at sec. Each is kept on its level's
// side of both its levels, so the alerts and verdicts are exactly the
// profiled ones.
func (s *service) metrics(sec float64, th backend.Thresholds) backend.Metrics {
	p95 := s.p95At(sec, th)
	errPct := keepSide(s.errPct.at(sec), s.errPct.level, th.ErrorRatePct.Warn)
	errPct = keepReach(errPct, s.errPct.level, th.ErrorRatePct.Down) // the critical line
	mem := keepSide(s.mem.at(sec), s.mem.level, th.MemoryPct.Warn)
	mem = clamp(keepReach(mem, s.mem.level, th.MemoryPct.Down), 0, 100)
	cpu := keepSide(s.cpu.at(sec), s.cpu.level, th.CPUPct.Warn)
	cpu = keepReach(cpu, s.cpu.level, th.CPUPct.Down)
	rps := math.Max(s.rps.at(sec), 0)
	return backend.Metrics{
		RPS:          backend.Some(rps),
		ErrorRatePct: backend.Some(math.Max(errPct, 0)),
		AvgLatencyMS: backend.Some(p95 * s.avgRatio),
		P95MS:        backend.Some(p95),
		CPUPct:       backend.Some(math.Max(cpu, 0)),
		MemPct:       backend.Some(mem),
		MemBytes:     backend.Some(math.Round(mem / 100 * s.kind.memLimit)),
		DiskBps:      backend.Some(rps * s.diskPerReq),
	}
}

// history is p95 over the last hour: Start is t−60 min truncated to the
// minute, one point a minute, and the last point is the value at t itself
// (less than a minute past the grid unless t is on the minute), so the
// sparkline ends at the figure shown beside it.
func (s *service) history(t time.Time, grid []backend.Value, th backend.Thresholds) backend.Series {
	pts := make([]backend.Value, historyPoints)
	copy(pts, grid)
	pts[historyPoints-1] = backend.Some(s.p95At(seconds(t), th))
	return backend.Series{Start: historyStart(t), Step: time.Minute, Points: pts}
}

func historyStart(t time.Time) time.Time { return t.Add(-time.Hour).Truncate(time.Minute) }

// historyGrid is every service's p95 history on the minute grid (all but
// the last point), by service index. The grid moves only when the minute
// turns, so it is computed once a minute, not on every fetch: evaluating
// 60 points of waves for each of 200 services every 2 s was most of the
// simulator's idle CPU. The slices are never written after they are made.
func (f *Fleet) historyGrid(t time.Time) [][]backend.Value {
	start := historyStart(t)
	f.histMu.Lock()
	defer f.histMu.Unlock()
	if f.hist.grid != nil && f.hist.start.Equal(start) {
		return f.hist.grid
	}
	from := seconds(start)
	grid := make([][]backend.Value, len(f.services))
	for i := range f.services {
		pts := make([]backend.Value, historyPoints-1)
		for j := range pts {
			pts[j] = backend.Some(f.services[i].p95At(from+float64(60*j), f.th))
		}
		grid[i] = pts
	}
	f.hist = historyCache{start: start, grid: grid}
	return grid
}

// historyCache is the grid of historyGrid for the hour starting at start.
type historyCache struct {
	start time.Time
	grid  [][]backend.Value
}
