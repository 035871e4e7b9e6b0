package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// viewerCounts are the numbers of concurrent SSH sessions measured
// (issue 18, "many viewers"): the slope per extra session is the figure.
var viewerCounts = []int{1, 5, 20}

var listeningRE = regexp.MustCompile(`listening on (127\.0\.0\.1:(\d+))`)

// viewers runs `opsdeck serve` on the demo fleet and joins it with 1, 5
// and 20 real OpenSSH clients, each in a pseudo-terminal of its own, and
// measures the server's idle CPU and RSS with each count, then fits the
// cost of one more session.
func (b *bench) viewers() {
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.fail("viewers", fmt.Errorf("%s is needed: %w", tool, err))
			return
		}
	}
	dir := filepath.Join(b.tmp, "viewers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.fail("viewers", err)
		return
	}
	key := filepath.Join(dir, "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key).CombinedOutput(); err != nil {
		b.fail("viewers", fmt.Errorf("ssh-keygen: %v: %s", err, out))
		return
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		b.fail("viewers", err)
		return
	}
	auth := filepath.Join(dir, "authorized_keys")
	// Viewers: they watch, as the colleagues joining a console do.
	if err := os.WriteFile(auth, []byte("viewer bench "+string(pub)), 0o600); err != nil {
		b.fail("viewers", err)
		return
	}
	hostKey := filepath.Join(dir, "host_key")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, b.bin, "serve", "--listen", "127.0.0.1:0", "--host-key", hostKey,
		"--authorized-keys", auth, "--max-sessions", "25", "--idle-timeout", "1h")
	srv.Env = append(os.Environ(), "OPSDECK_DEMO=1", "HOME="+dir)
	out := &lineLog{}
	srv.Stdout, srv.Stderr = out, out
	if err := srv.Start(); err != nil {
		b.fail("viewers", err)
		return
	}
	defer func() {
		_ = srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
		}
	}()
	port, err := out.wait(listeningRE, 15*time.Second)
	if err != nil {
		b.fail("viewers", fmt.Errorf("serve: %w", err))
		return
	}
	known := filepath.Join(dir, "known_hosts")
	pubKey, err := exec.Command("ssh-keygen", "-y", "-f", hostKey).Output()
	if err != nil {
		b.fail("viewers", fmt.Errorf("host key: %w", err))
		return
	}
	if err := os.WriteFile(known, []byte(fmt.Sprintf("[127.0.0.1]:%s %s", port, pubKey)), 0o600); err != nil {
		b.fail("viewers", err)
		return
	}
	ssh := []string{"-F", "/dev/null", "-p", port, "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile=" + known, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-tt", "bench@127.0.0.1"}

	type point struct {
		n        int
		cpu, rss float64
	}
	var points []point
	var sessions []*session
	defer func() {
		for _, s := range sessions {
			s.stop()
		}
	}()
	d := min(b.dur, 30*time.Second)
	for _, n := range viewerCounts {
		for len(sessions) < n {
			s, err := startSession(ctx, "ssh", b.w, b.h, nil, ssh...)
			if err != nil {
				b.fail("viewers", err)
				return
			}
			sessions = append(sessions, s)
			if _, err := s.waitFor("SYSTEM HEALTH OVERVIEW", 20*time.Second); err != nil {
				b.fail("viewers", fmt.Errorf("session %d: %w", len(sessions), err))
				return
			}
		}
		time.Sleep(5 * time.Second) // warm-up
		c0, err := cpuSeconds(srv.Process.Pid)
		if err != nil {
			b.fail("viewers", err)
			return
		}
		time.Sleep(d)
		c1, err := cpuSeconds(srv.Process.Pid)
		if err != nil {
			b.fail("viewers", err)
			return
		}
		p := point{n: n, cpu: (c1 - c0) / d.Seconds() * 100, rss: rssMiB(srv.Process.Pid)}
		points = append(points, p)
		b.add(fmt.Sprintf("opsdeck serve, demo fleet, %d SSH session(s) watching, %dx%d", n, b.w, b.h),
			fmt.Sprintf("idle CPU %.2f%% of a core (%.2f CPU-s in %v), RSS %.1f MiB", p.cpu, c1-c0, d, p.rss), "(reported)",
			"real OpenSSH clients (ssh -tt) each in a pty of their own, as viewers; the server's utime+stime and VmRSS from /proc after 5 s warm-up")
	}
	if len(points) >= 2 {
		first, last := points[0], points[len(points)-1]
		extra := float64(last.n - first.n)
		b.add("opsdeck serve, cost of one more SSH session (fit from the counts above)",
			fmt.Sprintf("+%.3f%% of a core, +%.2f MiB RSS per session (%d → %d sessions)",
				(last.cpu-first.cpu)/extra, (last.rss-first.rss)/extra, first.n, last.n),
			"linear in what is visible", "slope between the first and last counts; one poller feeds every session, so the sources' load does not grow with them")
	}
}

// lineLog keeps a process's output lines for waiting on a line.
type lineLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// wait returns the second group of re's first match in the output.
func (l *lineLog) wait(re *regexp.Regexp, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		s := l.buf.String()
		l.mu.Unlock()
		if m := re.FindStringSubmatch(s); m != nil {
			return m[2], nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sc := bufio.NewScanner(strings.NewReader(l.buf.String()))
	var last string
	for sc.Scan() {
		last = sc.Text()
	}
	return "", errors.New("not listening within " + timeout.String() + "; last output: " + last)
}
