package sim

import (
	"fmt"
	"strconv"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// alertMemory is when each active alert was first seen, keyed by name and
// service, as Prometheus keeps an alert's activeAt while it stays active.
// With the fleet's Fail/Delay settings it is the only state a fetch reads.
type alertMemory struct {
	since   map[string]time.Time
	started bool // alerts have been evaluated once
}

// raise derives the active alerts from the figures at t against the
// thresholds, the way the seed's Prometheus rules would. Figures keep to
// their level's side of each threshold, so the set of alerts follows the
// profiles; the numbers in their summaries move with the figures.
func (f *Fleet) raise(t time.Time, metrics map[string]backend.Metrics) []backend.Alert {
	th := f.th
	var out []backend.Alert
	add := func(name string, sev backend.Severity, service, summary string) {
		out = append(out, backend.Alert{
			Name:        name,
			Severity:    sev,
			Service:     service,
			Summary:     summary,
			State:       backend.AlertFiring,
			Labels:      map[string]string{"alertname": name, "severity": string(sev), "service": service},
			Annotations: map[string]string{"summary": summary},
		})
	}
	for i := range f.services {
		s := &f.services[i]
		name := s.skel.Name
		if !s.running(f.opsOf(name)) {
			add("ServiceDown", backend.SeverityCritical, name,
				fmt.Sprintf("Service Down (0/%d containers running)", len(s.lag)))
			continue // no figures, and a dead service runs no slow queries
		}
		m := metrics[name]
		if lim := th.MemoryPct.Warn; lim > 0 && m.MemPct.Valid && m.MemPct.V > lim {
			sev := backend.SeverityWarning
			if down := th.MemoryPct.Down; down > 0 && m.MemPct.V >= down {
				sev = backend.SeverityCritical
			}
			add("HighMemoryUsage", sev, name,
				fmt.Sprintf("High Memory Usage (%.0f%% > %s%%)", m.MemPct.V, num(lim)))
		}
		if lim := th.ErrorRatePct.Warn; lim > 0 && m.ErrorRatePct.Valid && m.ErrorRatePct.V > lim {
			// Critical where the figure is down (backend.Level).
			sev := backend.SeverityWarning
			if down := th.ErrorRatePct.Down; down > 0 && m.ErrorRatePct.V >= down {
				sev = backend.SeverityCritical
			}
			add("HighErrorRate", sev, name,
				fmt.Sprintf("High Error Rate (%.1f%% > %s%%)", m.ErrorRatePct.V, num(lim)))
		}
		if lim := ms(th.P95Target); lim > 0 && m.P95MS.Valid && m.P95MS.V > lim {
			add("SlowResponses", backend.SeverityWarning, name,
				fmt.Sprintf("Slow Responses (p95 %.0fms > %sms)", m.P95MS.V, num(lim)))
		}
		if s.slowQueryMS > 0 {
			add("SlowQuery", backend.SeverityInfo, name,
				fmt.Sprintf("Slow Query Detected (%sms)", num(s.slowQueryMS)))
		}
	}
	f.remember(t, out)
	f.mute(t, out)
	backend.SortAlerts(out)
	return out
}

// num formats a limit without trailing zeros: 80, 1, 0.5.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// remember sets each alert's Since from the memory and forgets alerts that
// are no longer active. Alerts present at the first evaluation are
// backdated by a hashed 2–6 minutes, so the demo opens on alerts that have
// been firing a while rather than "since now"; an alert appearing later is
// dated when it appears.
func (f *Fleet) remember(t time.Time, alerts []backend.Alert) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := &f.alerts
	next := make(map[string]time.Time, len(alerts))
	for i := range alerts {
		a := &alerts[i]
		id := a.Name + "\x00" + a.Service
		since, ok := m.since[id]
		if !ok {
			since = t
			if !m.started {
				back := 120 + newKey(f.seed, id).with("since").intn(241)
				since = t.Add(-time.Duration(back) * time.Second)
			}
		}
		next[id] = since
		a.Since = since
	}
	m.since, m.started = next, true
}
