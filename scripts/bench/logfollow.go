package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// logRate is the log follow: a container writing 1,000 lines/s.
const logRate = 1000

// settle is how long the follow runs before the start RSS is taken: the
// log view's ring (5,000 lines) is full after 5 s at 1,000 lines/s.
const settle = 15 * time.Second

// logFollow follows the logs of a container of our own writing logRate
// lines a second for d and compares opsdeck's RSS at the start and end.
// The writer (scripts/bench/logspew) is bind-mounted into the test bed's
// FROM scratch fleetsvc image, so the shared images are not rebuilt.
func (b *bench) logFollow(d time.Duration) {
	label := fmt.Sprintf("log follow, %d lines/s for %v", logRate, d)
	env, _, err := testbedEnv()
	if err != nil {
		b.fail(label, err)
		return
	}
	host := env["OPSDECK_TB_DOCKER_HOST"]
	spew := filepath.Join(b.tmp, "logspew")
	build := exec.Command("go", "build", "-trimpath", "-o", spew, "./scripts/bench/logspew")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.fail(label, fmt.Errorf("build logspew: %v: %s", err, out))
		return
	}
	name := fmt.Sprintf("opsdeck-bench-logspew-%d", os.Getpid())
	docker := func(args ...string) error {
		out, err := exec.Command("docker", append([]string{"-H", host}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("docker %s: %v: %s", args[0], err, out)
		}
		return nil
	}
	if err := docker("run", "-d", "--name", name, "--network", "none",
		"--label", "com.docker.compose.project=benchlog", "--label", "com.docker.compose.service=backend",
		"-v", spew+":/logspew:ro", "--entrypoint", "/logspew", "opsdeck-fleetsvc:v1.0.0", "-rate", fmt.Sprint(logRate)); err != nil {
		b.fail(label, err)
		return
	}
	defer func() { _ = docker("rm", "-f", name) }()

	cfg, err := write(b.tmp, "logs.yaml", "environment: bench-logs\nprojects:\n  - name: benchlog\n    services:\n      - {component: backend, host: local}\n"+
		fmt.Sprintf("sources:\n  docker:\n    - {name: local, host: %q, interval: 2s, timeout: 2s}\n", host))
	if err != nil {
		b.fail(label, err)
		return
	}
	s, err := b.start(context.Background(), "log follow", "--config", cfg)
	if err != nil {
		b.fail(label, err)
		return
	}
	defer s.stop()
	if _, err := s.waitFor("benchlog-backend", 10*time.Second); err != nil {
		b.fail(label, err)
		return
	}
	time.Sleep(time.Second)
	for _, k := range []string{"3", "l"} { // fleet view, logs of its (only) row
		if _, err := s.keyLatency(k, 2*time.Second); err != nil {
			b.fail(label, err)
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	if _, err := s.waitFor("logspew line", 10*time.Second); err != nil {
		b.fail(label, err)
		return
	}
	time.Sleep(settle)
	first := lastLogLine(s.tail(64 << 10))
	rss0, c0 := rssMiB(s.pid()), mustCPU(s.pid())
	lo, hi := rss0, rss0
	for end := time.Now().Add(d); time.Now().Before(end); {
		time.Sleep(min(10*time.Second, time.Until(end)))
		r := rssMiB(s.pid())
		lo, hi = min(lo, r), max(hi, r)
	}
	rss1, c1 := rssMiB(s.pid()), mustCPU(s.pid())
	last := lastLogLine(s.tail(64 << 10))
	b.add("RSS over a log follow, "+fmt.Sprintf("%d lines/s for %v", logRate, d),
		fmt.Sprintf("start %.1f MiB, end %.1f MiB (%+.1f%%), min %.1f, max %.1f; lines %d→%d shown; opsdeck %.2f CPU-s",
			rss0, rss1, 100*(rss1-rss0)/rss0, lo, hi, first, last, c1-c0),
		"flat (±10%) over 10 min",
		fmt.Sprintf("VmRSS every 10 s while the logs view follows a container printing %d lines/s (scripts/bench/logspew), start after %v of follow", logRate, settle))
}

var logLineRE = regexp.MustCompile(`logspew line (\d+)`)

// lastLogLine is the highest line number in out (0 if none).
func lastLogLine(out []byte) int {
	n := 0
	for _, m := range logLineRE.FindAllSubmatch(out, -1) {
		if v, _ := strconv.Atoi(string(m[1])); v > n {
			n = v
		}
	}
	return n
}

func mustCPU(pid int) float64 {
	c, _ := cpuSeconds(pid)
	return c
}
