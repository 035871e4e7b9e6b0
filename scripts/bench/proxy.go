package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sync"
	"time"
)

// countingProxy forwards HTTP requests from a unix socket to dockerd's
// socket and counts them by kind, so the Docker API requests opsdeck
// sends can be measured without touching opsdeck or dockerd.
type countingProxy struct {
	srv *http.Server
	mu  sync.Mutex
	n   map[string]int
}

var apiVersion = regexp.MustCompile(`^/v[0-9.]+`)
var containerID = regexp.MustCompile(`/containers/[^/]+/`)

func newCountingProxy(listen, upstreamSock string) (*countingProxy, error) {
	ln, err := net.Listen("unix", listen)
	if err != nil {
		return nil, err
	}
	p := &countingProxy{n: map[string]int{}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(&url.URL{Scheme: "http", Host: "docker"})
			r.Out.Host = "docker"
		},
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", upstreamSock)
		}},
		FlushInterval: -1, // events and logs are streams
		// Requests opsdeck cancels (its timeouts, its exit) are expected.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := containerID.ReplaceAllString(apiVersion.ReplaceAllString(r.URL.Path, ""), "/containers/{id}/")
		p.mu.Lock()
		p.n[r.Method+" "+kind]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// counts returns a copy of the counters.
func (p *countingProxy) counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.n))
	for k, v := range p.n {
		out[k] = v
	}
	return out
}

func (p *countingProxy) close() { _ = p.srv.Close() }

// delayingProxy forwards to an HTTP upstream on 127.0.0.1, holding every
// request for delay first: a Prometheus that answers only after 30 s.
func newDelayingProxy(upstream string, delay time.Duration) (addr string, closeFn func(), err error) {
	u, err := url.Parse(upstream)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
