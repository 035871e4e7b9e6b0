// Package docker is a backend.Source over one Docker engine: the inventory
// of compose services and their containers (kept current from one initial
// list and the events stream), one-shot resource stats, logs and the
// restart/stop/start actions.
//
// It uses github.com/docker/docker/client v28 with API version negotiation,
// so one binary talks to Debian's Engine 20.10 (API 1.41) as well as to
// current engines. See /work/shared/docs/ops-conventions.md §3.
package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/client"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/manacore/opsdeck/backend"
)

// DefaultHost is the engine address when Config.Host is empty.
const DefaultHost = "unix:///var/run/docker.sock"

// defaultRemoteSocket is the engine socket an ssh:// host without a path
// names on the remote machine.
const defaultRemoteSocket = "/var/run/docker.sock"

// Config describes one engine.
type Config struct {
	Name string // e.g. "local" → source name "docker@local"
	// Host is unix:///path, tcp://host:port or ssh://user@host[:port][/socket].
	// ssh:// needs Dialer: the Docker client has no SSH transport of its own.
	Host string
	// Dialer, when set, opens every connection to the engine. It is called
	// with ("unix", socket path) for unix:// and ssh:// hosts (for ssh://
	// the path on the remote machine, default /var/run/docker.sock) and with
	// ("tcp", "host:port") for tcp://, so an SSH layer can pass both
	// straight to its client's DialContext.
	Dialer    func(ctx context.Context, network, addr string) (net.Conn, error)
	HostLabel string // the host column of these containers; default Name
	// Resolve overrides DefaultResolve; returning ok=false falls back to it.
	Resolve func(project, service string) (name string, component backend.Component, ok bool)
	// StatsConcurrency bounds the stats requests in flight; default 4.
	StatsConcurrency int
	// ColourLabels are the container labels naming a blue/green colour,
	// first present wins; default DefaultColourLabel.
	ColourLabels []string
	// TLS, for a tcp:// host, verifies the engine (and presents a client
	// certificate) as `docker --tlsverify` does.
	TLS *TLSFiles
}

// DefaultColourLabel is the container label read as the blue/green colour.
const DefaultColourLabel = "opsdeck.colour"

// Engine is a backend.Source over one Docker engine. All methods are safe
// for concurrent use.
type Engine struct {
	cfg Config
	cli *client.Client

	inv      inventory     // guarded by its own lock; see inventory.go
	statsSem chan struct{} // one slot per stats request in flight

	runMu  sync.Mutex
	state  runState
	closed bool
}

type runState int

const (
	runNever   runState = iota // Run has not been called
	runRunning                 // Run is following the engine
	runStopped                 // Run has returned
)

var _ backend.Source = (*Engine)(nil)

// New prepares an engine; it does not connect (the first request does).
//
// The client is built from WithHost and WithAPIVersionNegotiation only,
// never client.FromEnv: FromEnv reads DOCKER_API_VERSION, and any explicit
// version switches negotiation off, so a stray variable in an operator's
// shell would make every call against an older engine fail.
func New(cfg Config) (*Engine, error) {
	if cfg.Name == "" {
		return nil, errors.New("docker: engine needs a name")
	}
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.HostLabel == "" {
		cfg.HostLabel = cfg.Name
	}
	if cfg.StatsConcurrency <= 0 {
		cfg.StatsConcurrency = 4
	}
	if len(cfg.ColourLabels) == 0 {
		cfg.ColourLabels = []string{DefaultColourLabel}
	}
	if cfg.TLS != nil {
		if err := cfg.TLS.check(); err != nil {
			return nil, fmt.Errorf("docker@%s: %w", cfg.Name, err)
		}
	}
	opts, err := clientOpts(cfg)
	if err != nil {
		return nil, fmt.Errorf("docker@%s: %w", cfg.Name, err)
	}
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker@%s: %w", cfg.Name, err)
	}
	e := &Engine{cfg: cfg, cli: cli, statsSem: make(chan struct{}, cfg.StatsConcurrency)}
	e.inv.init()
	return e, nil
}

// clientOpts turns Host and Dialer into client options.
func clientOpts(cfg Config) ([]client.Opt, error) {
	u, err := url.Parse(cfg.Host)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("docker host %q is not a URL like unix:///var/run/docker.sock", cfg.Host)
	}
	opts := []client.Opt{client.WithAPIVersionNegotiation(), client.WithHTTPClient(httpClient(cfg)), withoutTracing()}
	var network, addr string
	switch u.Scheme {
	case "unix":
		network, addr = "unix", u.Path
		opts = append(opts, client.WithHost(cfg.Host))
	case "tcp":
		network, addr = "tcp", u.Host
		opts = append(opts, client.WithHost(cfg.Host))
	case "ssh":
		if cfg.Dialer == nil {
			return nil, fmt.Errorf("docker host %q: ssh:// needs a dialer (opsdeck's SSH layer)", cfg.Host)
		}
		network, addr = "unix", u.Path
		if addr == "" || addr == "/" {
			addr = defaultRemoteSocket
		}
		// The client sees a unix host: no HTTP proxy from the environment,
		// no compression, a dummy Host header; the dialer reaches the
		// remote socket.
		opts = append(opts, client.WithHost("unix://"+addr))
	default:
		return nil, fmt.Errorf("docker host %q: scheme must be unix, tcp or ssh", cfg.Host)
	}
	if cfg.TLS != nil {
		if u.Scheme != "tcp" {
			return nil, fmt.Errorf("docker host %q: TLS is for tcp:// hosts", cfg.Host)
		}
		opts = append(opts, client.WithTLSClientConfig(cfg.TLS.CA, cfg.TLS.Cert, cfg.TLS.Key))
	}
	if cfg.Dialer != nil {
		dial := cfg.Dialer
		// net/http dials ("tcp", "<url host>:80"), which means nothing
		// here: hand the dialer the engine's real address instead.
		opts = append(opts, client.WithDialContext(func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dial(ctx, network, addr)
		}))
	}
	return opts, nil
}

// withoutTracing turns the client's OpenTelemetry instrumentation off:
// opsdeck exports no traces or metrics, yet otelhttp built a span and a
// set of metric attributes for every request anyway, a third of the CPU
// of an idle console's stats sampling (pprof, 200 containers). A filter
// that refuses every request makes otelhttp hand it straight to the
// transport.
func withoutTracing() client.Opt {
	return client.WithTraceOptions(otelhttp.WithFilter(func(*http.Request) bool { return false }))
}

// httpClient is the docker client's default (idle connections released
// after 30 s, moby#45539) with room to keep a connection per stats request
// in flight: with net/http's default of two idle connections per host,
// every stats round closed six of its eight connections and dialled them
// again the next round. WithHost and WithDialContext then fit the
// transport to the engine's address.
func httpClient(cfg Config) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        cfg.StatsConcurrency + 4, // + inventory, events, logs, actions
		MaxIdleConnsPerHost: cfg.StatsConcurrency + 4,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{Transport: tr, CheckRedirect: client.CheckRedirect}
}

// Name is "docker@<name>".
func (e *Engine) Name() string { return "docker@" + e.cfg.Name }

// Kind is "docker".
func (e *Engine) Kind() string { return "docker" }

// Feeds: the engine provides the inventory; resource figures come from
// Stats on demand.
func (e *Engine) Feeds() []backend.Feed { return []backend.Feed{backend.FeedInventory} }

// Host is the configured engine address.
func (e *Engine) Host() string { return e.cfg.Host }

// APIVersion is the API version the client uses: the negotiated one once a
// request has reached the engine, the client's maximum before.
func (e *Engine) APIVersion() string {
	if v := e.inv.apiVersion(); v != "" {
		return v
	}
	return e.cli.ClientVersion()
}

// Close releases the client's connections; Run should be stopped first
// (cancel its context). Fetch fails after Close.
func (e *Engine) Close() error {
	e.runMu.Lock()
	e.closed = true
	e.runMu.Unlock()
	e.inv.setErr(errClosed)
	return e.cli.Close()
}

var errClosed = errors.New("engine closed")

// wrap adds the operation and container to a Docker error and turns the
// client's connection error into one that names this engine.
func (e *Engine) wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if id != "" {
		op += " " + shortID(id)
	}
	if why, ok := e.describeTLS(err); ok {
		return &tlsError{msg: fmt.Sprintf("%s: engine %s: %s", op, e.cfg.Host, why), err: err}
	}
	if client.IsErrConnectionFailed(err) && !strings.Contains(err.Error(), e.cfg.Host) {
		// The client's text is 'error during connect: Get "http://%2Fvar…":
		// <cause>'; the cause is what the person on call needs.
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("%s: engine %s unreachable: %w", op, e.cfg.Host, ue.Err)
		}
		return fmt.Errorf("%s: engine %s unreachable: %w", op, e.cfg.Host, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
