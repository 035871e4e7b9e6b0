package ssh

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

// sink collects Lines and notices a callback that overlaps another or
// comes after Run returned.
type sink struct {
	mu       sync.Mutex
	lines    []Line
	inCall   atomic.Int32
	overlap  atomic.Bool
	returned atomic.Bool
	late     atomic.Bool
	delay    func(n int) time.Duration
}

func (s *sink) out(l Line) {
	if s.inCall.Add(1) > 1 {
		s.overlap.Store(true)
	}
	defer s.inCall.Add(-1)
	if s.returned.Load() {
		s.late.Store(true)
	}
	s.mu.Lock()
	s.lines = append(s.lines, l)
	n := len(s.lines)
	s.mu.Unlock()
	if s.delay != nil {
		time.Sleep(s.delay(n))
	}
}

func (s *sink) stream(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.lines {
		if l.Stream == name {
			out = append(out, l.Text)
		}
	}
	return out
}

func (s *sink) check(t *testing.T) {
	t.Helper()
	s.returned.Store(true)
	if s.overlap.Load() {
		t.Error("out was called concurrently")
	}
	time.Sleep(20 * time.Millisecond)
	if s.late.Load() {
		t.Error("out was called after Run returned")
	}
}

func TestRunStreamsOutputAndExitCodes(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	var s sink
	script := `for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; printf 'no newline'; exit 3`
	res, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"sh", "-c", script}}, s.out)
	s.check(t)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitCode != 3 {
		t.Errorf("ExitCode = %d, want 3", res.ExitCode)
	}
	if res.Duration <= 0 {
		t.Errorf("Duration = %v", res.Duration)
	}
	wantOut := []string{"out 1", "out 2", "out 3", "out 4", "out 5", "no newline"}
	wantErr := []string{"err 1", "err 2", "err 3", "err 4", "err 5"}
	if got := s.stream("stdout"); strings.Join(got, "|") != strings.Join(wantOut, "|") {
		t.Errorf("stdout = %q, want %q", got, wantOut)
	}
	if got := s.stream("stderr"); strings.Join(got, "|") != strings.Join(wantErr, "|") {
		t.Errorf("stderr = %q, want %q", got, wantErr)
	}
	// Per stream, lines are stamped in order (across streams only the
	// arrival order of the two pipes is known).
	last := map[string]time.Time{}
	for i, l := range s.lines {
		if l.At.IsZero() || l.At.Before(last[l.Stream]) {
			t.Errorf("line %d (%s) stamped %v, before the previous one", i, l.Stream, l.At)
		}
		last[l.Stream] = l.At
	}

	res, err = c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil)
	if err != nil || res.ExitCode != 0 {
		t.Errorf("true: %+v, %v; want exit 0", res, err)
	}
	res, err = c.Run(context.Background(), b.hostA(), Command{Argv: []string{"no-such-command-opsdeck"}}, nil)
	if err != nil || res.ExitCode != 127 {
		t.Errorf("missing command: %+v, %v; want exit 127", res, err)
	}
}

// A slow callback must only slow the command down (SSH flow control),
// not deadlock or lose lines, on both streams at once.
func TestRunSlowCallbackBackpressure(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	s := sink{delay: func(n int) time.Duration {
		if n%5000 == 0 {
			return 50 * time.Millisecond
		}
		return 0
	}}
	const n = 20000
	script := fmt.Sprintf("seq 1 %d; seq 1 %d >&2", n, n)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.Run(ctx, b.hostA(), Command{Argv: []string{"sh", "-c", script}}, s.out)
	s.check(t)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %+v, %v", res, err)
	}
	for _, name := range []string{"stdout", "stderr"} {
		got := s.stream(name)
		if len(got) != n {
			t.Fatalf("%s: %d lines, want %d", name, len(got), n)
		}
		for i, l := range got {
			if l != fmt.Sprint(i+1) {
				t.Fatalf("%s line %d = %q", name, i, l)
			}
		}
	}
}

func TestRunSplitsLongLines(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	var s sink
	script := `head -c 150000 /dev/zero | tr '\0' x; echo; head -c 65536 /dev/zero | tr '\0' y; echo; echo tail`
	if _, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"sh", "-c", script}}, s.out); err != nil {
		t.Fatal(err)
	}
	got := s.stream("stdout")
	want := []string{strings.Repeat("x", 65536), strings.Repeat("x", 65536), strings.Repeat("x", 150000-2*65536), strings.Repeat("y", 65536), "tail"}
	if len(got) != len(want) {
		t.Fatalf("got %d lines (lengths %v), want %d", len(got), lens(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: length %d, want %d", i, len(got[i]), len(want[i]))
		}
	}
}

func lens(ss []string) []int {
	var n []int
	for _, s := range ss {
		n = append(n, len(s))
	}
	return n
}

// Values with shell syntax pass through Argv verbatim: no word of it is
// ever interpreted by the remote shell.
func TestRunArgvIsNotShellParsed(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	pwned := filepath.Join(b.dir, fmt.Sprintf("pwned-%d", rand.Int()))
	value := `it's "quoted" $(touch ` + pwned + `) ` + "`touch " + pwned + "`" + ` ; touch ` + pwned + ` && echo x | cat` +
		"\nsecond line\\n\t* ~ !! ${HOME} $HOME 'x' \"y\" \\ > " + pwned + " <&- # done "
	for _, argv := range [][]string{
		{"printf", "%s", value},
		{"sh", "-c", `printf '%s' "$1"`, "sh", value},
	} {
		var s sink
		res, err := c.Run(context.Background(), b.hostA(), Command{Argv: argv}, s.out)
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("Run %q: %+v, %v", argv[0], res, err)
		}
		if got := strings.Join(s.stream("stdout"), "\n"); got != value {
			t.Errorf("%s: echoed\n%q\nwant\n%q", argv[0], got, value)
		}
	}
	if _, err := os.Stat(pwned); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("injection ran: %s exists (%v)", pwned, err)
	}
}

func TestRunRejectsBadCommands(t *testing.T) {
	c, err := NewClient(Config{KnownHosts: writeTemp(t, "known_hosts", "")})
	if err != nil {
		t.Fatal(err)
	}
	h := Host{Name: "web1", Addr: "127.0.0.1:1", User: "x"}
	for _, cmd := range []Command{{}, {Argv: []string{""}}, {Argv: []string{"echo", "a\x00b"}}} {
		if _, err := c.Run(context.Background(), h, cmd, nil); err == nil || !strings.Contains(err.Error(), "web1") {
			t.Errorf("Run(%q) = %v, want an error naming web1", cmd.Argv, err)
		}
	}
}

// --- remote processes die on timeout, cancel and connection loss ---

func uniqueSleep() string { return fmt.Sprintf("30.%06d", rand.IntN(1_000_000)) }

// sleepPattern matches only the sleep process itself, not the wrapper
// whose command line also contains the marker.
func sleepPattern(marker string) string { return "^sleep " + regexp.QuoteMeta(marker) + "$" }

// running reports whether a local process (sshd runs on this machine)
// matches pattern.
func running(t testing.TB, pattern string) bool {
	err := exec.Command("pgrep", "-f", pattern).Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return false
	default:
		t.Fatalf("pgrep: %v", err)
		return false
	}
}

// watchStarted reports (once) whether the marked sleep was seen running,
// so that "gone afterwards" is not vacuous. It watches from a goroutine of
// its own while the test runs the command, hence Poll, which fails nothing.
func watchStarted(t testing.TB, marker string) <-chan bool {
	seen := make(chan bool, 1)
	go func() {
		_, ok, _ := testbed.Poll(5*time.Second, func() (bool, string) { return running(t, sleepPattern(marker)), "" })
		seen <- ok
	}()
	return seen
}

func requireGone(t *testing.T, marker string, within time.Duration) {
	t.Helper()
	// Neither the command nor the wrapper around it may survive.
	testbed.Eventually(t, within, "remote processes gone after Run returned", func() (bool, string) {
		if !running(t, regexp.QuoteMeta(marker)) {
			return true, ""
		}
		out, _ := exec.Command("pgrep", "-af", regexp.QuoteMeta(marker)).Output()
		return false, "still running:\n" + string(out)
	})
}

func TestTimeoutKillsRemoteProcess(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	marker := uniqueSleep()
	seen := watchStarted(t, marker)
	start := time.Now()
	res, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"sleep", marker}, Timeout: 2 * time.Second}, nil)
	took := time.Since(start)
	if !<-seen {
		t.Fatal("the remote sleep was never seen running")
	}
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if !strings.Contains(err.Error(), "alpha") {
		t.Errorf("error does not name the host: %v", err)
	}
	if took > 5*time.Second {
		t.Errorf("Run returned after %v, want ~2s", took)
	}
	t.Logf("returned after %v: %v (exit %d)", took, err, res.ExitCode)
	requireGone(t, marker, 3*time.Second)
}

func TestCancelKillsRemoteProcess(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	marker := uniqueSleep()
	seen := watchStarted(t, marker)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if <-seen {
			cancel()
		}
	}()
	start := time.Now()
	_, err := c.Run(ctx, b.hostA(), Command{Argv: []string{"sh", "-c", "sleep " + marker + "; echo not reached"}}, nil)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took > 4*time.Second {
		t.Errorf("Run returned after %v", took)
	}
	requireGone(t, marker, 3*time.Second)
}

// A command that ignores SIGTERM is killed anyway: after the grace period
// the session closes and the remote watchdog escalates to SIGKILL.
func TestTimeoutKillsTermIgnoringProcess(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	marker := uniqueSleep()
	seen := watchStarted(t, marker)
	start := time.Now()
	_, err := c.Run(context.Background(), b.hostA(),
		Command{Argv: []string{"sh", "-c", "trap '' TERM; exec sleep " + marker}, Timeout: 2 * time.Second}, nil)
	took := time.Since(start)
	if !<-seen {
		t.Fatal("the remote sleep was never seen running")
	}
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "no exit") {
		t.Fatalf("err = %v, want a timeout without exit", err)
	}
	// Timeout (2 s) plus the grace period (2 s).
	if took > 7*time.Second {
		t.Errorf("Run returned after %v, want ~4s", took)
	}
	requireGone(t, marker, 5*time.Second)
}

// The connection drops under a running command (no signal, no close from
// us): sshd tears the session down and the watchdog kills the command.
func TestConnectionLossKillsRemoteProcess(t *testing.T) {
	b := need(t)
	t.Parallel()
	p := newProxy(t, b.a.addr)
	c := b.client(t, func(cfg *Config) { cfg.KnownHosts = b.knownHostsAs(t, p.addr(), b.a) })
	h := Host{Name: "alpha-via-proxy", Addr: p.addr(), User: b.user}
	marker := uniqueSleep()
	seen := watchStarted(t, marker)
	go func() {
		if <-seen {
			p.cut()
		}
	}()
	_, err := c.Run(context.Background(), h, Command{Argv: []string{"sleep", marker}, Timeout: 20 * time.Second}, nil)
	if err == nil || !strings.Contains(err.Error(), "connection lost") || !strings.Contains(err.Error(), "alpha-via-proxy") {
		t.Fatalf("err = %v, want connection lost naming the host", err)
	}
	requireGone(t, marker, 4*time.Second)
}

func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// knownHostsAs writes a known_hosts that records server s's ed25519 key
// under addr (a proxy in front of s).
func (b *bed) knownHostsAs(t testing.TB, addr string, s *sshd) string {
	return writeTemp(t, "known_hosts", khLine(addr, s.ed25519.PublicKey()))
}
