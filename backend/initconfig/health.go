package initconfig

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/manacore/opsdeck/backend/docker"
)

// Service is a compose service with the health URL opsdeck init proposes
// for it, and how it came to it.
type Service struct {
	docker.ComposeService
	HealthURL string
	// HealthNote says where HealthURL comes from, or why there is none;
	// it becomes the comment above the key.
	HealthNote string
	Guessed    bool // HealthURL answered a probe but nothing named it
}

// Probe reports whether url answers 2xx within the context.
type Probe func(ctx context.Context, url string) bool

// HTTPProbe is Probe over HTTP on a client that follows no redirect, each
// request bounded by timeout.
func HTTPProbe(timeout time.Duration) Probe {
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return func(ctx context.Context, u string) bool {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return false
		}
		resp, err := cl.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode >= 200 && resp.StatusCode < 300
	}
}

// healthPaths are the paths tried on a port nothing names a health
// endpoint on, most common first.
var healthPaths = []string{"/health", "/healthz", "/api/health", "/-/healthy", "/status", "/ping"}

// maxProbePorts bounds the ports tried per service.
const maxProbePorts = 4

// probeConcurrency bounds the services probed at once.
const probeConcurrency = 8

// HealthURLs finds the health URL of each service (see HealthURL), a few
// services at a time.
func HealthURLs(ctx context.Context, svcs []docker.ComposeService, probe Probe) []Service {
	out := make([]Service, len(svcs))
	var g errgroup.Group
	g.SetLimit(probeConcurrency)
	for i, s := range svcs {
		g.Go(func() error {
			out[i] = HealthURL(ctx, s, probe)
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// urlRE finds a URL in a health check's command.
var urlRE = regexp.MustCompile(`https?://[^\s'"\\|;&<>]+`)

// HealthURL is where the service's health can be asked from this machine:
// the URL its health check asks when that is reachable from the host
// (host network, or its port published), else the first of a few common
// paths that answers 2xx on a port it publishes or, with the host's
// network, on a port its environment names (a guess, said so).
func HealthURL(ctx context.Context, s docker.ComposeService, probe Probe) Service {
	out := Service{ComposeService: s}
	if raw := urlRE.FindString(strings.Join(s.HealthCheck, " ")); raw != "" {
		if u, note, ok := fromHealthCheck(s, raw); ok {
			out.HealthURL, out.HealthNote = u, note
			return out
		} else if note != "" {
			out.HealthNote = note
		}
	}
	type candidate struct {
		port int
		why  string
	}
	var cands []candidate
	seen := map[int]bool{}
	add := func(port int, why string) {
		if !seen[port] && len(cands) < maxProbePorts {
			seen[port] = true
			cands = append(cands, candidate{port, why})
		}
	}
	for _, p := range s.Published {
		add(p.Host, fmt.Sprintf("port %d published from %d", p.Host, p.Container))
	}
	if s.HostNetwork {
		for _, p := range s.EnvPorts {
			add(p.Port, fmt.Sprintf("port %d from %s=%d, host network", p.Port, p.Name, p.Port))
		}
	}
	for _, c := range cands {
		for _, path := range healthPaths {
			u := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)) + path
			if probe(ctx, u) {
				out.HealthURL, out.Guessed = u, true
				out.HealthNote = "guessed: answered when opsdeck init asked it (" + c.why + ")"
				return out
			}
		}
	}
	if out.HealthNote == "" {
		switch {
		case len(cands) > 0:
			ports := make([]string, len(cands))
			for i, c := range cands {
				ports[i] = strconv.Itoa(c.port)
			}
			out.HealthNote = "no health URL found: nothing answered " + strings.Join(healthPaths, ", ") + " on port " + strings.Join(ports, ", ")
		default:
			out.HealthNote = "no health URL found: no health check names one and no port is reachable from the host"
		}
	}
	return out
}

// fromHealthCheck turns the URL a health check asks inside the container
// into one this machine can ask. ok is false when it cannot (note says
// why, or is "" when the URL names another host).
func fromHealthCheck(s docker.ComposeService, raw string) (u, note string, ok bool) {
	pu, err := url.Parse(raw)
	if err != nil || pu.Host == "" {
		return "", "", false
	}
	switch pu.Hostname() {
	case "localhost", "127.0.0.1", "0.0.0.0", "::1", "::":
	default:
		return "", "", false // another host: not the container's own endpoint
	}
	port := pu.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[pu.Scheme]
	}
	if s.HostNetwork {
		pu.Host = net.JoinHostPort("127.0.0.1", port)
		return pu.String(), "from its health check (host network)", true
	}
	cport, _ := strconv.Atoi(port)
	for _, p := range s.Published {
		if p.Container == cport {
			host := p.HostIP
			if host == "" || host == "0.0.0.0" || host == "::" {
				host = "127.0.0.1"
			}
			pu.Host = net.JoinHostPort(host, strconv.Itoa(p.Host))
			return pu.String(), fmt.Sprintf("from its health check, port %d published as %d", cport, p.Host), true
		}
	}
	return "", fmt.Sprintf("its health check asks %s inside the container, and port %d is not published", raw, cport), false
}
