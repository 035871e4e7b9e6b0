// Package report turns a snapshot into the stable, documented status
// contract of `opsdeck status`: JSON for scripts, a table for people, and
// the exit code cron jobs act on.
//
// The JSON field names are a contract (snake_case, documented in the
// README); add fields, never rename them. A value no source could give is
// null, never a made-up zero.
package report

import (
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/incident"
)

// SchemaVersion is the version of the JSON documents of `opsdeck status`
// and `opsdeck check` (their schema_version field). It changes only when a
// field changes meaning or goes away; added fields keep it.
const SchemaVersion = 1

// Status is the whole report.
type Status struct {
	SchemaVersion int          `json:"schema_version"`
	Environment   string       `json:"environment"`
	Demo          bool         `json:"demo"`
	DemoReason    *string      `json:"demo_reason" jsonschema:"nullable"`
	GeneratedAt   time.Time    `json:"generated_at"`
	Sources       []Source     `json:"sources"`
	Summary       Summary      `json:"summary"`
	Services      []Service    `json:"services"`
	Alerts        []Alert      `json:"alerts"`
	Databases     []Database   `json:"databases"`
	Dependencies  []Dependency `json:"dependencies"`
	Deployments   []Deployment `json:"deployments"`

	incident *incident.Incident // the open one, for the markdown report
}

// Source is one backend's health.
type Source struct {
	Name      string     `json:"name"`
	Kind      string     `json:"kind"`
	OK        bool       `json:"ok"`
	Error     *string    `json:"error" jsonschema:"nullable"`
	UpdatedAt *time.Time `json:"updated_at" jsonschema:"nullable"`
	// Warnings and Infos are what the source said about its answer
	// (Prometheus' warnings and infos), with the feed they qualify.
	Warnings []Caveat `json:"warnings"`
	Infos    []Caveat `json:"infos"`
}

// Caveat is one remark of a source on its answer.
type Caveat struct {
	Feed string `json:"feed"`
	Text string `json:"text"`
}

// Service is one service; state and health are the worst of its
// containers, version and started_at those of its first container.
type Service struct {
	Project   string         `json:"project"`
	Component string         `json:"component"`
	Name      string         `json:"name"`
	Host      *string        `json:"host" jsonschema:"nullable"`
	State     *string        `json:"state" jsonschema:"nullable"`
	Health    *string        `json:"health" jsonschema:"nullable"`
	Version   *string        `json:"version" jsonschema:"nullable"`
	StartedAt *time.Time     `json:"started_at" jsonschema:"nullable"`
	Restarts  *int           `json:"restarts" jsonschema:"nullable"`
	Status    backend.Status `json:"status"`
	Findings  []string       `json:"findings"`
	RPS       backend.Value  `json:"rps"`
	ErrorRate backend.Value  `json:"error_rate"` // percent of requests failing
	P95MS     backend.Value  `json:"p95_ms"`
	CPUPct    backend.Value  `json:"cpu_pct"`
	MemPct    backend.Value  `json:"memory_pct"` // of its memory limit
	MemBytes  backend.Value  `json:"mem_bytes"`
}

// Summary is the overview's tiles in figures: the same numbers the
// console's SYSTEM HEALTH OVERVIEW shows (backend.Snapshot.Summarize), and
// the firing alerts by severity.
type Summary struct {
	ServicesHealthy int            `json:"services_healthy"`
	ServicesTotal   int            `json:"services_total"`
	ServicesStatus  backend.Status `json:"services_status"`
	RPS             backend.Value  `json:"rps"`
	ErrorRate       backend.Value  `json:"error_rate"` // percent, weighted by request rate
	AvgLatencyMS    backend.Value  `json:"avg_latency_ms"`
	// A fleet-wide p95 cannot be made from each service's p95: the worst
	// one is given, with its service.
	WorstP95MS      backend.Value  `json:"worst_p95_ms"`
	WorstP95Service *string        `json:"worst_p95_service" jsonschema:"nullable"`
	AlertsFiring    map[string]int `json:"alerts_firing"`
	AlertsSilenced  int            `json:"alerts_silenced"`
}

// Alert is one active alert.
type Alert struct {
	Name          string     `json:"name"`
	Severity      string     `json:"severity"`
	Service       string     `json:"service"`
	Summary       string     `json:"summary"`
	State         string     `json:"state"`
	Since         time.Time  `json:"since"`
	SilencedUntil *time.Time `json:"silenced_until" jsonschema:"nullable"`
}

// Database is one database's pool and query figures.
type Database struct {
	Name           string         `json:"name"`
	Up             bool           `json:"up"`
	Status         backend.Status `json:"status"`
	Connections    backend.Value  `json:"connections"`
	MaxConnections backend.Value  `json:"max_connections"`
	AvgQueryMS     backend.Value  `json:"avg_query_ms"`
	SlowQueries    backend.Value  `json:"slow_queries"`
	CacheHitRatio  backend.Value  `json:"cache_hit_ratio"` // 0..1
}

// Dependency is one external dependency probe.
type Dependency struct {
	Name         string         `json:"name"`
	Up           bool           `json:"up"`
	Status       backend.Status `json:"status"`
	LatencyMS    backend.Value  `json:"latency_ms"`
	SuccessRatio backend.Value  `json:"success_ratio"` // 0..1
	CheckedAt    *time.Time     `json:"checked_at" jsonschema:"nullable"`
}

// FromSnapshot builds the report.
func FromSnapshot(s backend.Snapshot) Status {
	r := Status{
		SchemaVersion: SchemaVersion,
		Environment:   s.Environment,
		Demo:          s.Demo,
		GeneratedAt:   s.At.UTC(),
		Sources:       []Source{},
		Services:      []Service{},
		Alerts:        []Alert{},
		Databases:     []Database{},
		Dependencies:  []Dependency{},
		Deployments:   []Deployment{},
	}
	for _, src := range s.Sources {
		out := Source{
			Name: src.Name, Kind: src.Kind, OK: src.OK,
			Error: strPtr(src.Err), UpdatedAt: timePtr(src.UpdatedAt),
			Warnings: []Caveat{}, Infos: []Caveat{},
		}
		for _, c := range src.Caveats {
			cv := Caveat{Feed: string(c.Feed), Text: c.Text}
			if c.Info {
				out.Infos = append(out.Infos, cv)
			} else {
				out.Warnings = append(out.Warnings, cv)
			}
		}
		r.Sources = append(r.Sources, out)
	}
	r.Summary = summary(s)
	for _, svc := range s.Services {
		r.Services = append(r.Services, service(svc, s.Thresholds))
	}
	for _, a := range s.Alerts {
		r.Alerts = append(r.Alerts, Alert{
			Name: a.Name, Severity: string(a.Severity), Service: a.Service,
			Summary: a.Summary, State: string(a.State), Since: a.Since.UTC(), SilencedUntil: timePtr(a.SilencedUntil),
		})
	}
	for _, db := range s.Databases {
		r.Databases = append(r.Databases, Database{
			Name: db.Name, Up: db.Up, Status: s.Thresholds.PoolStatus(db),
			Connections: db.Connections, MaxConnections: db.MaxConnections,
			AvgQueryMS: db.AvgQueryMS, SlowQueries: db.SlowQueries,
			CacheHitRatio: ratio(db.CacheHitPct),
		})
	}
	for _, d := range s.Dependencies {
		r.Dependencies = append(r.Dependencies, Dependency{
			Name: d.Name, Up: d.Up, Status: s.Thresholds.DependencyStatus(d), LatencyMS: d.LatencyMS,
			SuccessRatio: ratio(d.SuccessPct), CheckedAt: timePtr(d.CheckedAt),
		})
	}
	return r
}

func summary(s backend.Snapshot) Summary {
	sum := s.Summarize()
	out := Summary{
		ServicesHealthy: sum.Healthy, ServicesTotal: sum.Total, ServicesStatus: sum.ServicesStatus,
		RPS: sum.RPS, ErrorRate: sum.ErrorRatePct, AvgLatencyMS: sum.AvgLatencyMS,
		AlertsFiring: map[string]int{
			string(backend.SeverityCritical): 0, string(backend.SeverityWarning): 0, string(backend.SeverityInfo): 0,
		},
	}
	for _, svc := range s.Services {
		if p := svc.Metrics.P95MS; p.Valid && (!out.WorstP95MS.Valid || p.V > out.WorstP95MS.V) {
			out.WorstP95MS, out.WorstP95Service = p, strPtr(svc.Name)
		}
	}
	for _, a := range s.Alerts {
		switch a.State {
		case backend.AlertFiring:
			out.AlertsFiring[string(a.Severity)]++
		case backend.AlertSilenced:
			out.AlertsSilenced++
		}
	}
	return out
}

func service(svc backend.Service, th backend.Thresholds) Service {
	st, why := th.Assess(svc)
	out := Service{
		Project: svc.Project, Component: string(svc.Component), Name: svc.Name,
		Host: strPtr(svc.Host), Status: st, Findings: []string{},
		RPS: svc.Metrics.RPS, ErrorRate: svc.Metrics.ErrorRatePct, P95MS: svc.Metrics.P95MS,
		CPUPct: svc.Metrics.CPUPct, MemPct: svc.Metrics.MemPct, MemBytes: svc.Metrics.MemBytes,
	}
	for _, f := range why {
		out.Findings = append(out.Findings, f.Text)
	}
	if len(svc.Containers) == 0 {
		return out
	}
	first := svc.Containers[0]
	state, health, restarts := first.State, first.Health, 0
	for _, c := range svc.Containers {
		if c.State != backend.StateRunning {
			state = c.State
		}
		if healthRank(c.Health) > healthRank(health) {
			health = c.Health
		}
		restarts += c.Restarts
	}
	out.State = strPtr(string(state))
	out.Health = strPtr(string(health))
	out.Version = strPtr(first.Version)
	out.StartedAt = timePtr(first.StartedAt)
	out.Restarts = &restarts
	return out
}

func healthRank(h backend.Health) int {
	switch h {
	case backend.HealthUnhealthy:
		return 3
	case backend.HealthStarting:
		return 2
	case backend.HealthHealthy:
		return 1
	}
	return 0
}

// ratio turns a percentage into 0..1, keeping a missing value missing.
func ratio(pct backend.Value) backend.Value {
	if !pct.Valid {
		return pct
	}
	return backend.Some(pct.V / 100)
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// Exit codes of `opsdeck status` and `opsdeck check`, in the order of the
// monitoring-plugins convention; 2 (usage or config error) is the command
// line's.
const (
	ExitHealthy     = 0 // everything up, nothing firing
	ExitDegraded    = 1 // a service, database or dependency is not up, or an alert fires unsilenced
	ExitUnreachable = 3 // a source could not be reached: the picture is incomplete
)

// ExitCode is what `opsdeck status` exits with: a source that cannot be
// reached wins (what it would have shown is unknown), then any
// degradation.
func (r Status) ExitCode() int {
	for _, s := range r.Sources {
		if !s.OK {
			return ExitUnreachable
		}
	}
	for _, a := range r.Alerts {
		if a.State != string(backend.AlertSilenced) { // someone is on it
			return ExitDegraded
		}
	}
	for _, s := range r.Services {
		if s.Status != backend.StatusUp {
			return ExitDegraded
		}
	}
	for _, d := range r.Databases {
		if d.Status == backend.StatusWarn || d.Status == backend.StatusDown {
			return ExitDegraded
		}
	}
	for _, d := range r.Dependencies {
		if !d.Up || d.Status == backend.StatusWarn || d.Status == backend.StatusDown {
			return ExitDegraded
		}
	}
	return ExitHealthy
}
