package backend

import (
	"context"
	"time"
)

// Feed names a part of the snapshot that a source provides. Panels look up
// the health of their feed, so "prometheus: connection refused" greys out the
// latency column while the container states stay live.
type Feed string

const (
	FeedInventory    Feed = "inventory"    // services, containers, states
	FeedMetrics      Feed = "metrics"      // rps, error rate, latency, resources
	FeedAlerts       Feed = "alerts"       // active alerts
	FeedDatabases    Feed = "databases"    // connection pools, query times
	FeedDependencies Feed = "dependencies" // external dependency probes
)

// Source is one backend the poller asks for data: a Docker engine, a
// Prometheus server, the simulator. Fetch must honour ctx: the poller bounds
// every call with a timeout and a slow source must not hold anything else up.
type Source interface {
	Name() string // unique, shown in the header, e.g. "docker@db-1"
	Kind() string // "docker", "prometheus", "sim", ...
	Feeds() []Feed
	Fetch(ctx context.Context) (Partial, error)
}

// Partial is what one source returned: only the fields of its feeds are
// read. Metrics, history and uptime are keyed by service name.
type Partial struct {
	Services   []Service
	Metrics    map[string]Metrics
	P95History map[string]Series
	Uptime     map[string]Value
	// ColourMetrics are request figures by service, then colour.
	ColourMetrics map[string]map[string]Metrics
	Alerts        []Alert
	Databases     []DBPool
	Dependencies  []Dependency
	// Caveats are the source's own remarks on this answer (Prometheus'
	// warnings and infos), by the feed whose figures they qualify.
	Caveats []Caveat
}

// A Caveat is what a source says about an answer it did give: Prometheus'
// "warnings" (partial data: a store behind Thanos or a remote read did
// not answer) and "infos" (a query that may not mean what it says). The
// figures are shown, and so is the caveat, on the panel they feed.
type Caveat struct {
	Feed Feed
	Text string
	Info bool // an info, not a warning
}

// IncompleteError is returned by a Fetch that got some of its figures but
// not all (one PromQL query failed, say). The poller keeps the partial it
// came with, so the figures that did arrive stay live, and shows the error
// on the source.
type IncompleteError struct{ Err error }

func (e *IncompleteError) Error() string { return e.Err.Error() }
func (e *IncompleteError) Unwrap() error { return e.Err }

// SourceStatus is the health of one source as of the snapshot.
type SourceStatus struct {
	Name        string
	Kind        string
	Feeds       []Feed
	Interval    time.Duration
	OK          bool      // the last fetch succeeded
	Err         string    // the last fetch's error, "" when OK
	UpdatedAt   time.Time // last successful fetch; zero if none yet
	LastAttempt time.Time
	// Warning is a standing caution about how the source is reached,
	// shown as a badge beside it in the header whatever its health:
	// "insecure" when its TLS certificate is not checked.
	Warning string
	// Caveats are what the source said about its last answer (see
	// Caveat); cleared by an answer without any, kept while it fails.
	Caveats []Caveat
}

// Pending reports that the source has not answered yet, neither with data
// nor with an error.
func (s SourceStatus) Pending() bool { return s.LastAttempt.IsZero() }

// Age is how old the source's data is at now; zero before the first success.
func (s SourceStatus) Age(now time.Time) time.Duration {
	if s.UpdatedAt.IsZero() {
		return 0
	}
	return now.Sub(s.UpdatedAt)
}

// Stale reports whether the data is older than two intervals, or the last
// fetch failed.
func (s SourceStatus) Stale(now time.Time) bool {
	if !s.OK && !s.Pending() {
		return true
	}
	return s.Interval > 0 && !s.UpdatedAt.IsZero() && now.Sub(s.UpdatedAt) > 2*s.Interval
}

// Provides reports whether the source feeds f.
func (s SourceStatus) Provides(f Feed) bool {
	for _, g := range s.Feeds {
		if g == f {
			return true
		}
	}
	return false
}

// Hub is what the UI sees of the poller: a stream of snapshots and a way to
// ask for a refresh. Several UIs (SSH sessions) can subscribe to one hub.
type Hub interface {
	// Subscribe returns a channel that always holds the newest snapshot
	// (older ones are dropped); it is closed when ctx ends.
	Subscribe(ctx context.Context) <-chan Snapshot
	// Refresh asks every source to fetch now, without waiting for its
	// interval; a source already fetching is not asked twice.
	Refresh()
}

// CheckTarget is one health-check URL, named after its service.
type CheckTarget struct{ Name, URL string }

// CheckResult is the outcome of one health check. OK means a 2xx answer.
type CheckResult struct {
	Target  CheckTarget
	Code    int // HTTP status, 0 when there was no answer
	Latency time.Duration
	OK      bool
	Err     string // why there was no answer
	At      time.Time
}

// TargetChecker checks the given health URLs once, e.g. a blue/green
// colour's own before it is promoted.
type TargetChecker interface {
	CheckTargets(ctx context.Context, targets []CheckTarget) []CheckResult
}

// HealthChecker runs every configured health check once. Implementations
// bound each check with a timeout and honour ctx.
type HealthChecker interface {
	CheckAll(ctx context.Context) []CheckResult
}

// LogLine is one line of a service's container logs.
type LogLine struct {
	Container string
	Stream    string // "stdout" or "stderr"
	Text      string
	At        time.Time
}

// LogStreamer follows the logs of a service's running containers: the
// last tail lines, then new ones, until ctx ends. out is called from one
// goroutine at a time.
type LogStreamer interface {
	StreamLogs(ctx context.Context, service string, tail int, out func(LogLine)) error
}

// RangeQuerier gives the p95 latency of every service over a time range,
// for the 24-hour chart: one query for the whole fleet. Caveats are what
// the source said of its answer (Prometheus' warnings and infos: a
// partial history), shown on the chart.
type RangeQuerier interface {
	P95Range(ctx context.Context, start, end time.Time, step time.Duration) (map[string]Series, []Caveat, error)
}
