package serve

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend/testbed"
)

const within = 10 * time.Second // generous: the machine is shared

// ready is on the overview once the first snapshot arrived.
const ready = "Last Update: 12:34:56"

func TestOperatorLoginNamedByKeyNotLoginName(t *testing.T) {
	f := start(t, nil, nil)
	op := f.open(t, f.operator, "xterm-256color", 100, 30)
	op.waitScreen(ready, within)
	if s := op.screen(); !strings.Contains(s, "opsdeck  production") || strings.Contains(s, "[read-only]") {
		t.Fatalf("operator screen:\n%s", s)
	}
	fp := gossh.FingerprintSHA256(f.operator.PublicKey())
	if !strings.Contains(f.logText(), "session start: alice (operator, "+fp+")") {
		t.Fatalf("log does not name alice by her key (logged in as \"someone\"):\n%s", f.logText())
	}
	op.send("q")
	if err := op.waitEnd(within); exitStatus(err) != 0 {
		t.Fatalf("quit: %v", err)
	}
	if strings.Contains(op.output(), "goodbye") {
		t.Fatal("a user who quit was told goodbye as if the server ended the session")
	}
	testbed.Eventually(t, within, "the subscription ended after quit", func() (bool, string) {
		return f.hub.live.Load() == 0, fmt.Sprintf("%d live", f.hub.live.Load())
	})
}

func TestViewerLoginIsReadOnly(t *testing.T) {
	f := start(t, nil, nil)
	vw := f.open(t, f.viewer, "xterm-256color", 100, 30)
	vw.waitScreen("[read-only]", within)
	if !strings.Contains(f.logText(), "session start: bob (viewer, ") {
		t.Fatalf("log:\n%s", f.logText())
	}
}

func TestUnknownKeyAndOtherMethodsRefused(t *testing.T) {
	f := start(t, nil, nil)
	stranger, _ := newKey(t)
	if c, err := f.dial(stranger, "alice"); err == nil {
		c.Close()
		t.Fatal("unknown key logged in")
	}
	if !strings.Contains(f.logText(), "refused key "+gossh.FingerprintSHA256(stranger.PublicKey())+" (login \"alice\")") {
		t.Fatalf("refusal not logged:\n%s", f.logText())
	}
	// Password and keyboard-interactive are not offered at all.
	_, err := gossh.Dial("tcp", f.addr, &gossh.ClientConfig{
		User: "alice",
		Auth: []gossh.AuthMethod{
			gossh.Password("hunter2"),
			gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil }),
		},
		HostKeyCallback: gossh.FixedHostKey(f.hostKey), Timeout: 5 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "no supported methods remain") {
		t.Fatalf("password/keyboard-interactive: err = %v", err)
	}
}

func TestNoPtyRefused(t *testing.T) {
	f := start(t, nil, nil)
	c, err := f.dial(f.operator, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.CombinedOutput("status")
	if exitStatus(err) != 1 || !strings.Contains(string(out), "Requires an active PTY") {
		t.Fatalf("exec without pty: %q, %v", out, err)
	}
}

// Two sessions at once: each its own size, colour profile and state, both
// reading the one hub.
func TestConcurrentSessionsOwnSizeProfileState(t *testing.T) {
	f := start(t, nil, nil)
	a := f.open(t, f.operator, "xterm-256color", 100, 30)
	b := f.open(t, f.viewer, "xterm", 80, 24)
	a.waitScreen(ready, within)
	b.waitScreen(ready, within)
	b.send("2")
	b.waitScreen("SERVICE STATUS", within)
	if strings.Contains(a.screen(), "SERVICE STATUS") {
		t.Fatal("a key in one session changed the other's view")
	}
	for _, c := range []struct {
		tm   *term
		w, h int
	}{{a, 100, 30}, {b, 80, 24}} {
		lines := strings.Split(c.tm.screen(), "\n")
		if got := ansi.StringWidth(strings.TrimRight(lines[0], " ")); got != c.w {
			t.Errorf("header is %d cells wide, want the session's %d", got, c.w)
		}
		if len(lines) < c.h || !strings.Contains(lines[c.h-1], "q quit") {
			t.Errorf("status bar not on row %d of a %dx%d session:\n%s", c.h, c.w, c.h, c.tm.screen())
		}
	}
	if !strings.Contains(a.output(), "38;5;") {
		t.Error("xterm-256color session got no 256-colour SGR")
	}
	if out := b.output(); strings.Contains(out, "38;5;") || strings.Contains(out, "38;2;") {
		t.Error("TERM=xterm session got 256-colour or truecolor SGR")
	}
	if n := f.hub.subscribed.Load(); n != 2 {
		t.Errorf("hub subscribed %d times, want once per session", n)
	}
}

func TestMaxSessions(t *testing.T) {
	f := start(t, nil, func(c *Config) { c.MaxSessions = 1 })
	first := f.open(t, f.operator, "xterm-256color", 100, 30)
	first.waitScreen(ready, within)
	extra := f.open(t, f.viewer, "xterm-256color", 100, 30)
	if err := extra.waitEnd(within); exitStatus(err) != 1 {
		t.Fatalf("extra session exit: %v", err)
	}
	if got := strings.TrimSpace(extra.output()); got != "opsdeck: too many sessions (limit 1), try again later" {
		t.Fatalf("extra session got %q, want exactly the one refusal line", got)
	}
	first.send("2")
	first.waitScreen("SERVICE STATUS", within)
	first.send("q")
	first.waitEnd(within)
	again := f.open(t, f.viewer, "xterm-256color", 100, 30)
	again.waitScreen("[read-only]", within)
}

func TestIdleTimeout(t *testing.T) {
	const idle = 1500 * time.Millisecond
	f := start(t, nil, func(c *Config) { c.IdleTimeout = idle })
	tm := f.open(t, f.operator, "xterm-256color", 100, 30)
	tm.waitScreen(ready, within)
	// Typing keeps it open past the timeout.
	keys := []string{"2", "1", "2", "1", "2", "1"}
	begin := time.Now()
	for i, k := range keys {
		if i > 0 {
			time.Sleep(idle / 3) // pacing the typing, not waiting for a result
		}
		tm.send(k)
	}
	quiet := time.Now()
	select {
	case <-tm.done:
		t.Fatalf("session ended while typing, %s after start", time.Since(begin))
	default:
	}
	err := tm.waitEnd(within)
	took := time.Since(quiet)
	if exitStatus(err) != 0 || took < idle-100*time.Millisecond {
		t.Fatalf("idle end after %s (timeout %s): %v", took, idle, err)
	}
	out := tm.output()
	bye := strings.Index(out, "opsdeck: no input for 1.5s, goodbye")
	leave := strings.LastIndex(out, "\x1b[?1049l")
	if bye < 0 || leave < 0 || bye < leave {
		t.Fatalf("goodbye must follow leaving the alt screen (bye at %d, leave at %d): %q", bye, leave, out[max(0, len(out)-200):])
	}
	t.Logf("idle session ended %s after the last key (timeout %s)", took.Round(time.Millisecond), idle)
}

func TestShutdownSaysGoodbyeAndDrains(t *testing.T) {
	f := start(t, nil, nil)
	a := f.open(t, f.operator, "xterm-256color", 100, 30)
	b := f.open(t, f.viewer, "xterm", 80, 24)
	a.waitScreen(ready, within)
	b.waitScreen(ready, within)
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	begin := time.Now()
	if err := f.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	t.Logf("Shutdown with 2 sessions took %s", time.Since(begin).Round(time.Millisecond))
	for _, tm := range []*term{a, b} {
		if err := tm.waitEnd(within); exitStatus(err) != 0 && !errors.Is(err, &gossh.ExitMissingError{}) {
			t.Errorf("exit: %v", err)
		}
		if !strings.Contains(tm.output(), "opsdeck: server shutting down, goodbye\r\n") {
			t.Errorf("no goodbye line: %q", tm.output()[max(0, len(tm.output())-200):])
		}
	}
	if err := <-f.served; !errors.Is(err, ssh.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	if c, err := f.dial(f.operator, "alice"); err == nil {
		c.Close()
		t.Error("a new connection was accepted after Shutdown")
	}
	if n := f.hub.live.Load(); n != 0 {
		t.Errorf("%d hub subscriptions still live after Shutdown", n)
	}
}
