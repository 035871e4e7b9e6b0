package backend

import "time"

// Component is the part of a project a service plays, as in the seed's
// SERVICE STATUS table (NestJS backend, SvelteKit web, Astro landing).
type Component string

const (
	ComponentBackend Component = "backend"
	ComponentWeb     Component = "web"
	ComponentLanding Component = "landing"
)

// Components lists the table columns of the services view, in order.
var Components = []Component{ComponentBackend, ComponentWeb, ComponentLanding}

// ContainerState is Docker's container state.
type ContainerState string

const (
	StateRunning    ContainerState = "running"
	StateRestarting ContainerState = "restarting"
	StateExited     ContainerState = "exited"
	StatePaused     ContainerState = "paused"
	StateCreated    ContainerState = "created"
	StateDead       ContainerState = "dead"
)

// Health is Docker's health-check status; HealthNone means the image has no
// health check.
type Health string

const (
	HealthHealthy   Health = "healthy"
	HealthUnhealthy Health = "unhealthy"
	HealthStarting  Health = "starting"
	HealthNone      Health = "none"
)

// Container is one running (or stopped) instance of a service.
type Container struct {
	ID        string
	Name      string
	Host      string
	Image     string
	Version   string // image tag, e.g. "v1.6.0"
	State     ContainerState
	Health    Health
	StartedAt time.Time
	Restarts  int
	// Colour is the blue/green environment the container belongs to (from
	// a container label, see backend/deploy); "" when it is not coloured.
	Colour string
}

// Metrics are a service's request and resource figures. Each may be missing.
type Metrics struct {
	RPS          Value // requests per second
	ErrorRatePct Value // 5xx share in percent
	AvgLatencyMS Value
	P95MS        Value
	CPUPct       Value // percent of one core
	MemPct       Value // percent of the memory limit
	MemBytes     Value
	DiskBps      Value // block I/O, bytes read and written per second
}

// Fill returns m with every missing figure taken from o: two sources of
// metrics (Prometheus and Docker stats) complete each other, and the one
// merged first wins where both have a figure.
func (m Metrics) Fill(o Metrics) Metrics {
	for _, f := range []struct {
		dst *Value
		src Value
	}{
		{&m.RPS, o.RPS}, {&m.ErrorRatePct, o.ErrorRatePct}, {&m.AvgLatencyMS, o.AvgLatencyMS},
		{&m.P95MS, o.P95MS}, {&m.CPUPct, o.CPUPct}, {&m.MemPct, o.MemPct}, {&m.MemBytes, o.MemBytes},
		{&m.DiskBps, o.DiskBps},
	} {
		if !f.dst.Valid {
			*f.dst = f.src
		}
	}
	return m
}

// Service is one component of a project (e.g. chat-backend), with the
// containers that run it and its metrics.
type Service struct {
	Project    string
	Component  Component
	Name       string // unique in the fleet, e.g. "chat-backend"
	Host       string
	Containers []Container
	Metrics    Metrics
	// P95History is the p95 latency over the last hour, oldest first, for
	// sparklines; it may be empty.
	P95History Series
	UptimePct  Value // availability over the reporting window
	LastDeploy time.Time
	HealthURL  string
	// ColourMetrics are the request figures per blue/green colour (RPS,
	// ErrorRatePct, P95MS), for the canary gates; nil without colours.
	ColourMetrics map[string]Metrics
}

// Version is the image tag of the service's first container, or "".
func (s Service) Version() string {
	for _, c := range s.Containers {
		if c.Version != "" {
			return c.Version
		}
	}
	return ""
}

// Restarts is the sum of the restart counts of the service's containers.
func (s Service) Restarts() int {
	n := 0
	for _, c := range s.Containers {
		n += c.Restarts
	}
	return n
}

// Running reports whether every container runs and none is unhealthy; a
// service without containers is not running.
func (s Service) Running() bool {
	if len(s.Containers) == 0 {
		return false
	}
	for _, c := range s.Containers {
		if c.State != StateRunning || c.Health == HealthUnhealthy {
			return false
		}
	}
	return true
}

// Severity of an alert, in the order the seed's ACTIVE ALERTS panel uses.
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityWarning  Severity = "warning"
	SeverityInfo     Severity = "info"
)

// AlertState follows Prometheus: pending until the rule's "for" has passed;
// and Alertmanager: a firing alert a silence matches is silenced.
type AlertState string

const (
	AlertFiring   AlertState = "firing"
	AlertPending  AlertState = "pending"
	AlertSilenced AlertState = "silenced"
)

// Alert is one active alert.
type Alert struct {
	Name        string
	Severity    Severity
	Service     string
	Summary     string
	State       AlertState
	Since       time.Time
	Labels      map[string]string
	Annotations map[string]string
	// SilencedUntil is when the last silence matching a silenced alert
	// ends; zero when not silenced or not known.
	SilencedUntil time.Time
}

// DBPool is the seed's DATABASE PERFORMANCE row for one database.
type DBPool struct {
	Name           string
	Up             bool
	Connections    Value
	MaxConnections Value
	AvgQueryMS     Value
	SlowQueries    Value
	CacheHitPct    Value
}

// Dependency is the seed's EXTERNAL DEPENDENCIES row.
type Dependency struct {
	Name       string
	Up         bool
	LatencyMS  Value
	SuccessPct Value
	CheckedAt  time.Time
}

// Series is a time series of samples, oldest first, evenly spaced by Step.
// Missing samples are NaN-free: they are Value{} entries.
type Series struct {
	Start  time.Time
	Step   time.Duration
	Points []Value
}

// Last returns the newest sample, or a missing value.
func (s Series) Last() Value {
	if len(s.Points) == 0 {
		return Value{}
	}
	return s.Points[len(s.Points)-1]
}
