//go:build integration

package main

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

// faultProxy sits between opsdeck and a real server on loopback and can
// pass traffic, refuse it (close at once) or hang (accept, never answer).
type faultProxy struct {
	ln     net.Listener
	target string
	mode   atomic.Value // "pass", "refuse", "hang"
	mu     sync.Mutex
	conns  []net.Conn
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	testbed.Loopback(t, target)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target}
	p.mode.Store("pass")
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.dropAll() })
	return p
}

func (p *faultProxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *faultProxy) set(mode string) {
	p.mode.Store(mode)
	p.dropAll() // kept-alive connections must not outlive a mode change
}

func (p *faultProxy) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *faultProxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns = append(p.conns, c)
	p.mu.Unlock()
}

func (p *faultProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.track(c)
		switch p.mode.Load() {
		case "refuse":
			c.Close()
		case "hang": // hold it open, say nothing
		default:
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.track(up)
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}
}

// TestSourceFailureIsIsolatedAndRecovers: with Prometheus hanging at
// start, the first snapshot is there at once and Docker's panels are live
// within a second; Prometheus times out, then recovers by itself when it
// answers again, and a refusing Prometheus marks only its own feeds.
func TestSourceFailureIsIsolatedAndRecovers(t *testing.T) {
	tb := testbed.Need(t, testbed.Config, testbed.PromURL)
	proxy := newFaultProxy(t, strings.TrimPrefix(tb[testbed.PromURL], "http://"))
	proxy.set("hang")
	cfg, err := os.ReadFile(tb[testbed.Config])
	if err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, strings.Replace(string(cfg), tb[testbed.PromURL], proxy.url(), 1))
	f, _ := parseFlags([]string{"--config", path}, io.Discard)
	a, err := build(f, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a.start(ctx)
	go a.poller.Run(ctx)
	snaps := a.poller.Subscribe(ctx)

	start := time.Now()
	select {
	case <-snaps:
	case <-time.After(100 * time.Millisecond):
		t.Fatal("no snapshot at once: the first frame must not wait for sources")
	}
	wait := func(what string, limit time.Duration, cond func(backend.Snapshot) bool) backend.Snapshot {
		t.Helper()
		deadline := time.After(limit)
		for {
			select {
			case s := <-snaps:
				if cond(s) {
					return s
				}
			case <-deadline:
				t.Fatalf("timed out after %v waiting for %s", limit, what)
			}
		}
	}
	source := func(s backend.Snapshot, kind string) backend.SourceStatus {
		for _, src := range s.Sources {
			if src.Kind == kind {
				return src
			}
		}
		t.Fatalf("no %s source", kind)
		return backend.SourceStatus{}
	}
	wait("docker live while prometheus hangs", time.Second, func(s backend.Snapshot) bool {
		return source(s, "docker").OK && source(s, "prometheus").Pending()
	})
	t.Logf("docker live after %v with prometheus hanging", time.Since(start))

	s := wait("prometheus timeout", 10*time.Second, func(s backend.Snapshot) bool { return source(s, "prometheus").Err != "" })
	if e := source(s, "prometheus").Err; !strings.Contains(e, "timed out") && !strings.Contains(e, "deadline") {
		t.Fatalf("prometheus error %q, want a timeout", e)
	}
	if f := s.Feed(backend.FeedInventory); f.Err != "" || f.Stale {
		t.Fatalf("inventory must stay live: %+v", f)
	}

	proxy.set("pass")
	wait("prometheus recovery", 30*time.Second, func(s backend.Snapshot) bool {
		svc, _ := s.Service("chat-backend")
		return source(s, "prometheus").OK && svc.Metrics.P95MS.Valid
	})

	proxy.set("refuse")
	s = wait("prometheus refusing", 30*time.Second, func(s backend.Snapshot) bool { return !source(s, "prometheus").OK })
	if !source(s, "docker").OK || !source(s, "alertmanager").OK {
		t.Fatalf("a refusing prometheus took other sources down: %+v", s.Sources)
	}
	if svc, _ := s.Service("chat-backend"); !svc.Metrics.P95MS.Valid {
		t.Fatal("the last good figures must be kept (marked stale), not dropped")
	}
}
