package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/poll"
	"github.com/manacore/opsdeck/backend/sim"
	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui"
)

var testNow = time.Date(2026, 11, 26, 12, 34, 56, 0, time.UTC)

// countingHub serves one demo snapshot and counts live subscriptions, so a
// test can see sessions share it and let go of it.
type countingHub struct {
	snap       backend.Snapshot
	subscribed atomic.Int32 // total Subscribe calls
	live       atomic.Int32 // subscriptions whose ctx has not ended
}

func (h *countingHub) Subscribe(ctx context.Context) <-chan backend.Snapshot {
	h.subscribed.Add(1)
	h.live.Add(1)
	ch := make(chan backend.Snapshot, 1)
	ch <- h.snap
	go func() { <-ctx.Done(); h.live.Add(-1); close(ch) }()
	return ch
}

func (h *countingHub) Refresh() {}

func newHub(t testing.TB) *countingHub {
	cfg := config.Default()
	clock := func() time.Time { return testNow }
	fleet := sim.New(sim.Config{
		Seed: cfg.Sources.Simulator.Seed, Clock: clock, Services: cfg.Services(),
		Profiles: cfg.Sources.Simulator.Profiles, Thresholds: cfg.Thresholds,
	})
	pc := poll.Config{Environment: cfg.Environment, Demo: true, Thresholds: cfg.Thresholds, Services: cfg.Services(), Clock: clock}
	for _, src := range fleet.Sources() {
		pc.Jobs = append(pc.Jobs, poll.Job{Source: src, Interval: time.Second, Timeout: time.Second})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return &countingHub{snap: poll.New(pc).Once(ctx)}
}

// fixture is a running server with two known keys.
type fixture struct {
	srv              *Server
	addr             string
	hostKey          gossh.PublicKey
	hub              *countingHub
	operator, viewer gossh.Signer
	mu               sync.Mutex
	logs             []string
	actions          backend.ActionRunner // given to every session's options
	served           chan error
}

func (f *fixture) logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, ansi.Strip(fmt.Sprintf(format, args...)))
}

func (f *fixture) logText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.logs, "\n")
}

// start runs a server on a loopback port 0; tweak adjusts its config,
// before adjusts the server before it serves.
func start(t *testing.T, actions backend.ActionRunner, tweak func(*Config), before ...func(*Server)) *fixture {
	t.Helper()
	f := &fixture{hub: newHub(t), actions: actions, served: make(chan error, 1)}
	var opLine, viewLine string
	f.operator, opLine = newKey(t)
	f.viewer, viewLine = newKey(t)
	ring, err := ParseAuthorizedKeys(strings.NewReader("operator alice "+opLine+"\nviewer bob "+viewLine+"\n"), "keys")
	if err != nil {
		t.Fatal(err)
	}
	host, _ := newKey(t)
	f.hostKey = host.PublicKey()
	cfg := Config{
		HostKey: host, Keys: ring, Logf: f.logf,
		Options: func(a backend.Actor) tui.Options {
			keys := keymap.Default()
			tui.RegisterViews(keys)
			return tui.Options{Hub: f.hub, Keys: keys, Clock: func() time.Time { return testNow }, NoTick: true, Actions: f.actions}
		},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	f.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range before {
		b(f.srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	go func() { f.served <- f.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.srv.Shutdown(ctx)
		if t.Failed() {
			t.Logf("server log:\n%s", f.logText())
		}
	})
	return f
}

// dial logs in with key, checking the server's host key strictly.
func (f *fixture) dial(key gossh.Signer, user string) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{
		User:            user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.FixedHostKey(f.hostKey),
		Timeout:         5 * time.Second,
	})
}

// term is an interactive session seen through a terminal emulator.
type term struct {
	t      *testing.T
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu   sync.Mutex
	raw  bytes.Buffer
	emu  *vt.Emulator
	done chan struct{} // closed when the session's output ends
	exit error         // of sess.Wait, valid after done
}

// open logs in and starts a session with a pty of the given TERM and size.
func (f *fixture) open(t *testing.T, key gossh.Signer, termName string, w, h int) *term {
	t.Helper()
	return f.openOn(t, key, termName, w, h, nil)
}

// openOn is open on a terminal whose background is bg, which answers the
// program's queries (OSC 11 with bg) as a terminal does; nil: a terminal
// that answers none.
func (f *fixture) openOn(t *testing.T, key gossh.Signer, termName string, w, h int, bg color.Color) *term {
	t.Helper()
	c, err := f.dial(key, "someone")
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: c, sess: s, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	if tm.stdin, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	answers := io.Discard // the emulator's answers to queries
	if bg != nil {
		tm.emu.SetDefaultBackgroundColor(bg)
		answers = tm.stdin
	}
	go func() { _, _ = io.Copy(answers, tm.emu) }()
	out, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty(termName, h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, rerr := out.Read(buf)
			tm.mu.Lock()
			tm.raw.Write(buf[:n])
			_, _ = tm.emu.Write(buf[:n])
			tm.mu.Unlock()
			if rerr != nil {
				break
			}
		}
		tm.exit = s.Wait()
		close(tm.done)
	}()
	t.Cleanup(tm.close)
	return tm
}

func (tm *term) close() {
	_ = tm.sess.Close()
	_ = tm.client.Close()
	select {
	case <-tm.done:
	case <-time.After(5 * time.Second):
	}
	// The emulator is not closed: Close races with the goroutine draining
	// its answers, which stays blocked until the test binary exits.
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("send %q: %v", s, err)
	}
}

// screen is the emulated screen as plain text.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(tm.emu.Render())
}

func (tm *term) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.raw.String()
}

// waitScreen polls the screen until it contains want, or fails.
func (tm *term) waitScreen(want string, within time.Duration) {
	tm.t.Helper()
	testbed.Eventually(tm.t, within, "screen showing "+strconv.Quote(want), func() (bool, string) {
		s := tm.screen()
		return strings.Contains(s, want), "\n" + s
	})
}

// waitEnd waits for the server to close the session and returns its exit.
func (tm *term) waitEnd(within time.Duration) error {
	tm.t.Helper()
	select {
	case <-tm.done:
		return tm.exit
	case <-time.After(within):
		tm.t.Fatalf("session still open after %s:\n%s", within, tm.screen())
		return nil
	}
}

// exitStatus is the remote exit status of a finished session (-1: none).
func exitStatus(err error) int {
	var ee *gossh.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitStatus()
	}
	return -1
}
