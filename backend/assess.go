package backend

import (
	"fmt"
	"time"
)

// Thresholds are the levels figures are rated against: each figure has a
// warning level and a down level, so a capped figure (a pool at 10/10,
// memory at 100%) can be down, not only "over its limit".
type Thresholds struct {
	P95Target    time.Duration // p95 above it warns: the seed's 500 ms target line
	P95Down      time.Duration // p95 at or above it is down; 0: never
	ErrorRatePct Limit         // share of requests failing, percent
	MemoryPct    Limit         // percent of the container limit
	CPUPct       Limit         // percent of one core
	DBPoolPct    Limit         // connections in use, percent of max
	// DependencySuccessPct rates an external dependency's successful
	// probes: a dependency that answers but fails one probe in ten is
	// not up.
	DependencySuccessPct Floor
}

// Limit is a figure's two levels where more is worse: above Warn is a
// warning, at or above Down is down (at, so that the maximum of a capped
// figure is down). A level of 0 is off.
type Limit struct{ Warn, Down float64 }

// Floor is a figure's two levels where less is worse (a success rate):
// below Warn is a warning, below Down is down. A level of 0 is off.
type Floor struct{ Warn, Down float64 }

// Twice is the shorthand of a single number: down at twice the warning
// level, as before levels had names.
func Twice(warn float64) Limit { return Limit{Warn: warn, Down: 2 * warn} }

// Capped is the shorthand for a share of a maximum (memory, a pool):
// twice the warning level, but no more than 100, which such a figure
// reaches and never passes.
func Capped(warn float64) Limit { return Limit{Warn: warn, Down: min(2*warn, 100)} }

// FailuresTwice is the shorthand of a success rate: down when failures
// are twice the share the warning level allows (99 → down below 98).
func FailuresTwice(warn float64) Floor {
	return Floor{Warn: warn, Down: max(100-2*(100-warn), 0)}
}

// DefaultThresholds are the seed's targets: p95 < 500 ms, error rate < 1%
// (the canary gate), memory < 80% (the picture-backend alert), pools < 80%,
// each down at twice that (capped figures when full); dependencies answer
// at least 99% of their probes.
func DefaultThresholds() Thresholds {
	return Thresholds{
		P95Target:            500 * time.Millisecond,
		P95Down:              time.Second,
		ErrorRatePct:         Twice(1),
		MemoryPct:            Capped(80),
		CPUPct:               Twice(80),
		DBPoolPct:            Capped(80),
		DependencySuccessPct: FailuresTwice(99),
	}
}

// P95 is the latency levels in milliseconds, as the figures are.
func (t Thresholds) P95() Limit {
	return Limit{Warn: ms(t.P95Target), Down: ms(t.P95Down)}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Level rates v against l: up below the warning level, warn above it,
// down at or above the down level; unknown when v is missing or both
// levels are off.
func Level(v Value, l Limit) Status {
	switch {
	case !v.Valid || l.Warn <= 0 && l.Down <= 0:
		return StatusUnknown
	case l.Down > 0 && v.V >= l.Down:
		return StatusDown
	case l.Warn > 0 && v.V > l.Warn:
		return StatusWarn
	default:
		return StatusUp
	}
}

// Rate rates v against the floor: up at or above Warn, warn below it,
// down below Down; unknown when v is missing or both levels are off.
func (f Floor) Rate(v Value) Status {
	switch {
	case !v.Valid || f.Warn <= 0 && f.Down <= 0:
		return StatusUnknown
	case v.V < f.Down:
		return StatusDown
	case v.V < f.Warn:
		return StatusWarn
	default:
		return StatusUp
	}
}

// Finding is one reason a service is not simply up.
type Finding struct {
	Status Status
	Text   string // e.g. "High Memory: 85%"
}

// Assess rates a service: containers first (none known → unknown, any not
// running or unhealthy → down, starting → warn), then its metrics against t.
func (t Thresholds) Assess(s Service) (Status, []Finding) {
	if len(s.Containers) == 0 {
		return StatusUnknown, []Finding{{StatusUnknown, "no container found"}}
	}
	st := StatusUp
	var why []Finding
	add := func(level Status, text string) {
		st = Worse(st, level)
		why = append(why, Finding{level, text})
	}
	for _, c := range s.Containers {
		switch {
		case c.State != StateRunning:
			add(StatusDown, fmt.Sprintf("%s %s", c.Name, c.State))
		case c.Health == HealthUnhealthy:
			add(StatusDown, c.Name+" unhealthy")
		case c.Health == HealthStarting:
			add(StatusWarn, c.Name+" starting")
		}
	}
	m := s.Metrics
	if l := Level(m.MemPct, t.MemoryPct); l >= StatusWarn {
		add(l, fmt.Sprintf("High Memory: %.0f%%", m.MemPct.V))
	}
	if l := Level(m.CPUPct, t.CPUPct); l >= StatusWarn {
		add(l, fmt.Sprintf("High CPU: %.0f%%", m.CPUPct.V))
	}
	if l := Level(m.ErrorRatePct, t.ErrorRatePct); l >= StatusWarn {
		add(l, fmt.Sprintf("Error Rate: %.1f%%", m.ErrorRatePct.V))
	}
	if l := Level(m.P95MS, t.P95()); l >= StatusWarn {
		add(l, fmt.Sprintf("Slow: p95 %.0f ms", m.P95MS.V))
	}
	return st, why
}

// PoolStatus rates a database: down when the exporter cannot reach it, else
// its pool use against DBPoolPct.
func (t Thresholds) PoolStatus(db DBPool) Status {
	if !db.Up {
		return StatusDown
	}
	if !db.Connections.Valid || !db.MaxConnections.Valid || db.MaxConnections.V <= 0 {
		return StatusUnknown
	}
	return Level(Some(100*db.Connections.V/db.MaxConnections.V), t.DBPoolPct)
}

// DependencyStatus rates an external dependency: down when its last
// probe failed, else its success rate against DependencySuccessPct (a
// dependency without one is up on its last probe alone).
func (t Thresholds) DependencyStatus(d Dependency) Status {
	if !d.Up {
		return StatusDown
	}
	if st := t.DependencySuccessPct.Rate(d.SuccessPct); st != StatusUnknown {
		return st
	}
	return StatusUp
}

// Summary is the seed's SYSTEM HEALTH OVERVIEW: four tiles and the warnings.
// Healthy counts the services that are up: a service with a warning is
// not healthy (the seed's "38 / 39" beside its one warning).
type Summary struct {
	Healthy, Total int
	ServicesStatus Status
	RPS            Value
	ErrorRatePct   Value
	ErrorStatus    Status
	AvgLatencyMS   Value
	LatencyStatus  Status
	Warnings       []Warning
}

// Warning is one line of the overview's warnings: a service that is not up.
type Warning struct {
	Service  string
	Status   Status
	Findings []Finding
}

// Summarize computes the overview from the snapshot's services. Request rate
// is the fleet total; error rate and latency are weighted by request rate so
// a quiet landing page does not hide a failing API.
func (s Snapshot) Summarize() Summary {
	var sum Summary
	var rps, errs, latW, latSum, latN float64
	var haveRPS, haveErr, haveLat bool
	var down, unknown int
	for _, svc := range s.Services {
		sum.Total++
		st, why := s.Thresholds.Assess(svc)
		switch st {
		case StatusUp:
			sum.Healthy++
		case StatusDown:
			down++
		case StatusUnknown:
			unknown++
		}
		if st != StatusUp {
			sum.Warnings = append(sum.Warnings, Warning{Service: svc.Name, Status: st, Findings: why})
		}
		m := svc.Metrics
		if m.RPS.Valid {
			haveRPS = true
			rps += m.RPS.V
			if m.ErrorRatePct.Valid {
				haveErr = true
				errs += m.RPS.V * m.ErrorRatePct.V / 100
			}
			if m.AvgLatencyMS.Valid {
				haveLat = true
				latW += m.RPS.V * m.AvgLatencyMS.V
				latSum += m.AvgLatencyMS.V
				latN++
			}
		}
	}
	// The tile is green while nothing is down or unaccounted for: the
	// seed shows "38 / 39 Healthy" with its one warning spelt out below.
	switch {
	case sum.Total == 0:
		sum.ServicesStatus = StatusUnknown
	case down == 0 && unknown == 0:
		sum.ServicesStatus = StatusUp
	case (sum.Total-down)*5 >= sum.Total*4: // at most 20% down
		sum.ServicesStatus = StatusWarn
	default:
		sum.ServicesStatus = StatusDown
	}
	if haveRPS {
		sum.RPS = Some(rps)
	}
	if haveErr && rps > 0 {
		sum.ErrorRatePct = Some(100 * errs / rps)
	} else if haveErr {
		sum.ErrorRatePct = Some(0)
	}
	sum.ErrorStatus = Level(sum.ErrorRatePct, s.Thresholds.ErrorRatePct)
	if haveLat {
		if rps > 0 {
			sum.AvgLatencyMS = Some(latW / rps)
		} else {
			sum.AvgLatencyMS = Some(latSum / latN)
		}
	}
	sum.LatencyStatus = Level(sum.AvgLatencyMS, s.Thresholds.P95())
	return sum
}
