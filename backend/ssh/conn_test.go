package ssh

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

func TestJumpHost(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	target := b.hostB()
	target.Jump = &Host{Name: "alpha", Addr: b.a.addr, User: b.user}
	logA, logB := b.a.since(t), b.b.since(t)
	var s sink
	res, err := c.Run(context.Background(), target, Command{Argv: []string{"echo", "via", "alpha"}}, s.out)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %+v, %v", res, err)
	}
	if got := strings.Join(s.stream("stdout"), ""); got != "via alpha" {
		t.Errorf("stdout = %q", got)
	}
	// The bastion (alpha, LogLevel DEBUG1) opened the TCP connection to
	// bravo for us, and bravo authenticated us.
	_, portB, _ := net.SplitHostPort(b.b.addr)
	testbed.Eventually(t, 2*time.Second, "alpha's log showing the forwarding to bravo (port "+portB+")", func() (bool, string) {
		return strings.Contains(logA(), "target 127.0.0.1 port "+portB), ""
	})
	if !strings.Contains(logB(), "Accepted publickey for "+b.user) {
		t.Error("bravo's log shows no accepted login")
	}
}

func TestConnectionReuseAndRedial(t *testing.T) {
	b := need(t)
	t.Parallel()
	p := newProxy(t, b.a.addr)
	c := b.client(t, func(cfg *Config) { cfg.KnownHosts = b.knownHostsAs(t, p.addr(), b.a) })
	h := Host{Name: "alpha", Addr: p.addr(), User: b.user}
	run := func() {
		t.Helper()
		if res, err := c.Run(context.Background(), h, Command{Argv: []string{"true"}}, nil); err != nil || res.ExitCode != 0 {
			t.Fatalf("Run: %+v, %v", res, err)
		}
	}
	run()
	run()
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); run() }()
	}
	wg.Wait()
	if n := p.accepts.Load(); n != 1 {
		t.Fatalf("7 Runs made %d TCP connections, want 1", n)
	}

	p.cut() // the pooled connection dies under the client
	run()
	if n := p.accepts.Load(); n != 2 {
		t.Fatalf("after a drop: %d connections in total, want 2 (one redial)", n)
	}
}

// A server that stops answering without closing TCP: three missed
// keepalives close the connection and the running command fails.
func TestKeepaliveClosesSilentConnection(t *testing.T) {
	b := need(t)
	t.Parallel()
	p := newProxy(t, b.a.addr)
	const every = 200 * time.Millisecond
	c := b.client(t, func(cfg *Config) {
		cfg.KnownHosts = b.knownHostsAs(t, p.addr(), b.a)
		cfg.Keepalive = every
	})
	h := Host{Name: "alpha", Addr: p.addr(), User: b.user}
	// Replies arrive while the server answers: the connection survives
	// several intervals.
	if _, err := c.Run(context.Background(), h, Command{Argv: []string{"sleep", "1"}}, nil); err != nil {
		t.Fatalf("Run on a healthy connection: %v", err)
	}

	marker := uniqueSleep()
	seen := watchStarted(t, marker)
	go func() {
		if <-seen {
			p.paused.Store(true)
		}
	}()
	start := time.Now()
	_, err := c.Run(context.Background(), h, Command{Argv: []string{"sleep", marker}, Timeout: 20 * time.Second}, nil)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "keepalive") || !strings.Contains(err.Error(), "alpha") {
		t.Fatalf("err = %v, want a keepalive failure naming alpha", err)
	}
	if took > 3*time.Second {
		t.Errorf("detected after %v, want ~%v", took, 4*every)
	}
	select {
	case <-p.closed:
	case <-time.After(2 * time.Second):
		t.Error("the client did not close its TCP connection")
	}
	p.cut() // let sshd notice, so the remote sleep does not outlive the test
	requireGone(t, marker, 4*time.Second)
}

func TestErrorsNameTheHost(t *testing.T) {
	c, err := NewClient(Config{KnownHosts: writeTemp(t, "known_hosts", ""), DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	h := Host{Name: "db-primary", Addr: testbed.FreeAddr(t), User: "ops"}
	_, err = c.Run(context.Background(), h, Command{Argv: []string{"true"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "db-primary (ops@127.0.0.1:") {
		t.Errorf("connect error = %v", err)
	}
	c.Close()
	_, err = c.Run(context.Background(), h, Command{Argv: []string{"true"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "db-primary") || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: %v", err)
	}
}
