// Package prom is a backend.Source over the Prometheus HTTP API
// (client_golang/api/prometheus/v1, v1.25 signatures).
//
// Cost does not grow with the fleet: every figure is one group-by query for
// all services (or databases, or probes), the sparkline history is one
// range query, so a Fetch sends QueryCount() requests whatever the number
// of services. Once each figure has answered, the instant-vector figures
// travel together in one request (combine.go): a refresh of the default
// queries is then three requests, not nineteen. They run concurrently, at
// most four at a time, under the caller's context.
//
// A figure a service is absent from, or that evaluates to NaN/±Inf, is
// missing (backend.Value{}), never 0: "no data" must not read as "no errors".
package prom

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/manacore/opsdeck/backend"
)

// Config describes one Prometheus server and what to ask it.
type Config struct {
	Name         string // source name shown in the header, default "prometheus"
	URL          string // e.g. http://127.0.0.1:9090 (a path prefix is kept)
	ServiceLabel string // label naming the service, default "job"
	// ColourLabel names the blue/green colour of a series ("colour");
	// set, each Fetch also asks the three canary figures by (service,
	// colour). "" leaves them out.
	ColourLabel string
	Queries     Queries
	// Services, Databases and Dependencies name what the console shows;
	// series for other names are ignored. When a list is empty every name
	// found in the results is reported instead.
	Services     []string
	Databases    []string
	Dependencies map[string]string // dependency name -> probed URL (blackbox instance label)
	HistoryRange time.Duration     // p95 sparkline window, default 1h; step = range/60
	// Client sends every request: httpclient.New's, with the source's
	// auth and TLS settings; nil is a plain client.
	Client *http.Client
	// Auth says what Client authenticates with (config.HTTP.Auth), for
	// the error of a 401 or 403.
	Auth string
}

// Concurrency bounds the requests of one Fetch in flight.
const Concurrency = 4

// historySteps is the sparkline resolution: step = HistoryRange/60, so the
// history has 61 points from now-range to now, like the simulator's.
const historySteps = 60

// labelRE is a Prometheus label name.
var labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Source is a backend.Source over one Prometheus server. Fetch keeps what
// it learns between calls (figure shapes, the sparkline grid, the slow
// figures' answers) and must not run concurrently with itself, as the
// poller never does; P95Range, HasResources and QueryCount are safe
// beside it.
type Source struct {
	cfg      Config
	host     string // for errors: "prometheus 127.0.0.1:9090: ..."
	api      v1.API // Prometheus' own alerts; queries go through query
	query    *queryClient
	figures  []figure
	p95Range string
	now      func() time.Time // tests pin the clock

	mu              sync.Mutex
	resources       map[string]bool // services with CPU and memory in the last fetch
	shapes          []shape         // of each figure's answer; see combine.go
	combineOffUntil time.Time       // combining refused by the server until then
	history         historyCache    // the last sparkline grid; Fetch calls do not overlap
	slow            slowCache       // answers of slowFigures
	// combinedSize is the last combined answer's size in bytes, to read
	// the next into a buffer that fits; only the combined request, which
	// Fetch sends once, touches it.
	combinedSize int
	historySize  int // the same for the sparkline history's answer
}

var _ backend.Source = (*Source)(nil)

// New validates the config and renders the queries; it does not touch the
// network.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "prometheus"
	}
	if cfg.ServiceLabel == "" {
		cfg.ServiceLabel = "job"
	}
	if !labelRE.MatchString(cfg.ServiceLabel) {
		return nil, fmt.Errorf("service label %q is not a Prometheus label name", cfg.ServiceLabel)
	}
	if cfg.ColourLabel != "" && (!labelRE.MatchString(cfg.ColourLabel) || cfg.ColourLabel == cfg.ServiceLabel) {
		return nil, fmt.Errorf("colour label %q is not a Prometheus label name distinct from the service label", cfg.ColourLabel)
	}
	if cfg.HistoryRange <= 0 {
		cfg.HistoryRange = time.Hour
	}
	if cfg.HistoryRange < historySteps*time.Second {
		return nil, fmt.Errorf("history range %s is too short: at least %s (one point per second)", cfg.HistoryRange, historySteps*time.Second)
	}
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("prometheus url %q: want http://host:port or https://host:port", cfg.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("prometheus url %q: a query or fragment is not allowed", cfg.URL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	figures, p95Range, err := cfg.Queries.render(cfg.ServiceLabel, cfg.ColourLabel)
	if err != nil {
		return nil, err
	}
	hc := cfg.Client
	if hc == nil {
		hc = &http.Client{Transport: transport(u.Hostname())}
	}
	c, err := api.NewClient(api.Config{Address: u.String(), Client: hc})
	if err != nil {
		return nil, fmt.Errorf("prometheus url %q: %v", cfg.URL, err)
	}
	cfg.Services = slices.Clone(cfg.Services)
	cfg.Databases = slices.Clone(cfg.Databases)
	return &Source{
		cfg: cfg, host: u.Host, api: v1.NewAPI(c), query: &queryClient{client: c, http: hc}, slow: slowCache{},
		figures: figures, p95Range: p95Range, now: time.Now, shapes: make([]shape, len(figures)),
	}, nil
}

// transport is client_golang's default round tripper with an idle
// connection kept for every request a fetch has in flight (net/http keeps
// two per host: a fetch of Concurrency requests dialled the rest again
// every refresh), plus one for the 24-hour chart's range query. On a
// loopback address answers are not gzipped: compressing costs Prometheus
// and opsdeck CPU and saves nothing on the wire.
func transport(host string) *http.Transport {
	tr := api.DefaultRoundTripper.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = Concurrency + 1
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		tr.DisableCompression = true
	}
	return tr
}

// Name implements backend.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Kind implements backend.Source.
func (s *Source) Kind() string { return "prometheus" }

// Feeds implements backend.Source.
func (s *Source) Feeds() []backend.Feed {
	f := []backend.Feed{backend.FeedMetrics, backend.FeedDatabases, backend.FeedDependencies}
	if s.cfg.Queries.Alerts {
		f = append(f, backend.FeedAlerts)
	}
	return f
}

// QueryCount is the number of requests the next Fetch sends when it
// reuses nothing and its combined request succeeds: one for the figures
// that travel together, one for each figure asked alone, one for the p95
// history, and one for the alerts when enabled. Before the first Fetch
// every figure is asked alone. It does not depend on the number of
// services, databases or dependencies.
//
// A fetch within the same sparkline step as the one before (and at least
// historySettle after the step's end) reuses that fetch's history and
// sends one request fewer; one within a minute of the last uptime answer
// reuses that too (slowFigures).
func (s *Source) QueryCount() int {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	together, alone := 0, 0
	for i := range s.figures {
		if s.combines(i, now) {
			together++
		} else {
			alone++
		}
	}
	if together == 1 {
		together, alone = 0, alone+1
	}
	n := alone + min(together, 1) + 1
	if s.cfg.Queries.Alerts {
		n++
	}
	return n
}
