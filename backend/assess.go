package backend

import (
	"fmt"
	"time"
)

// Thresholds are the limits figures are coloured against. Crossing a limit is
// a warning; crossing it by the critical factor is down.
type Thresholds struct {
	P95Target    time.Duration // p95 latency target, the seed's 500 ms line
	ErrorRatePct float64       // error-rate limit in percent
	MemoryPct    float64       // memory limit in percent of the container limit
	CPUPct       float64       // CPU limit in percent of one core
	DBPoolPct    float64       // connections in use, percent of max
}

// DefaultThresholds are the seed's targets: p95 < 500 ms, error rate < 1%
// (the canary gate), memory < 80% (the picture-backend alert), pools < 80%.
func DefaultThresholds() Thresholds {
	return Thresholds{
		P95Target:    500 * time.Millisecond,
		ErrorRatePct: 1,
		MemoryPct:    80,
		CPUPct:       80,
		DBPoolPct:    80,
	}
}

// criticalFactor: a figure this many times over its limit is treated as down.
const criticalFactor = 2

// Level rates v against limit: up below it, warn above it, down above
// criticalFactor × limit, unknown when v is missing or the limit unset.
func Level(v Value, limit float64) Status {
	switch {
	case !v.Valid || limit <= 0:
		return StatusUnknown
	case v.V > limit*criticalFactor:
		return StatusDown
	case v.V > limit:
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
	if l := Level(m.P95MS, float64(t.P95Target.Milliseconds())); l >= StatusWarn {
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

// Summary is the seed's SYSTEM HEALTH OVERVIEW: four tiles and the warnings.
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
	for _, svc := range s.Services {
		sum.Total++
		st, why := s.Thresholds.Assess(svc)
		if st == StatusUp || st == StatusWarn {
			sum.Healthy++
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
	switch {
	case sum.Total == 0:
		sum.ServicesStatus = StatusUnknown
	case sum.Healthy == sum.Total:
		sum.ServicesStatus = StatusUp
	case sum.Healthy*5 >= sum.Total*4: // at least 80% up
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
	sum.LatencyStatus = Level(sum.AvgLatencyMS, float64(s.Thresholds.P95Target.Milliseconds()))
	return sum
}
