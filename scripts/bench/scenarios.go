package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// warmUp is how long a fresh opsdeck settles (first fetches, first
// frames) before an idle window starts.
const warmUp = 5 * time.Second

// idle is what one idle window of an opsdeck session measured.
type idle struct {
	cpu, bytesPerS, writesPerS, rss, hwm float64
}

// measureIdle waits for warm-up, then measures opsdeck over d.
func measureIdle(s *session, d time.Duration, during func()) (idle, error) {
	time.Sleep(max(warmUp-s.since(), 0))
	c0, err := cpuSeconds(s.pid())
	if err != nil {
		return idle{}, err
	}
	t0 := s.since()
	if during != nil {
		during()
	} else {
		time.Sleep(d)
	}
	if err := running(s.pid()); err != nil {
		return idle{}, fmt.Errorf("%w; its last output: %q", err, s.tail(300))
	}
	c1, err := cpuSeconds(s.pid())
	if err != nil {
		return idle{}, err
	}
	t1 := s.since()
	n, writes := s.bytesBetween(t0, t1)
	secs := (t1 - t0).Seconds()
	hwm, _ := statusKiB(s.pid(), "VmHWM")
	return idle{cpu: c1 - c0, bytesPerS: float64(n) / secs, writesPerS: float64(writes) / secs,
		rss: rssMiB(s.pid()), hwm: float64(hwm) / 1024}, nil
}

func (b *bench) reportIdle(label string, m idle) {
	pct := m.cpu / b.dur.Seconds() * 100
	b.add("Idle CPU, "+label, fmt.Sprintf("%.2f%% of a core (%.2f CPU-s in %v)", pct, m.cpu, b.dur), "< 0.5% of one core",
		"utime+stime from /proc/<pid>/stat over the window, after 5 s warm-up; 2 s refresh")
	b.add("RSS, "+label, fmt.Sprintf("%.1f MiB (peak %.1f MiB)", m.rss, m.hwm), "< 40 MiB",
		"VmRSS (VmHWM) from /proc/<pid>/status at the end of the window")
	b.add(fmt.Sprintf("Bytes to terminal, %s, %dx%d", label, b.w, b.h), fmt.Sprintf("%.0f B/s (%.1f writes/s)", m.bytesPerS, m.writesPerS),
		"< 2 KiB/s", "bytes read from the pty master opsdeck writes to (scripts/bench/pty.go)")
}

func (b *bench) simIdle(n int) {
	cfg, err := simConfig(b.tmp, n)
	if err != nil {
		b.fail("simulator idle", err)
		return
	}
	s, err := b.start(context.Background(), "sim idle", "--config", cfg)
	if err != nil {
		b.fail("simulator idle", err)
		return
	}
	defer s.stop()
	if at, err := s.waitFor("proj-001", 10*time.Second); err == nil {
		b.add(fmt.Sprintf("First frame with the fleet, simulator %d services", n), fmt.Sprintf("%d ms", at.Milliseconds()), "(orientation)",
			"process start to the pty write that completes the first project name")
	}
	m, err := measureIdle(s, b.dur, nil)
	if err != nil {
		b.fail("simulator idle", err)
		return
	}
	b.reportIdle(fmt.Sprintf("simulator %d services, live values", n), m)
}

// simFrozen pins the clock: the simulator's figures are a function of the
// clock, so nothing changes and no frame should be sent at all.
func (b *bench) simFrozen(n int) {
	cfg, err := simConfig(b.tmp, n)
	if err != nil {
		b.fail("frozen", err)
		return
	}
	s, err := b.start(context.Background(), "sim frozen", "--config", cfg, "--clock", "2026-01-01T12:00:00Z")
	if err != nil {
		b.fail("frozen", err)
		return
	}
	defer s.stop()
	d := min(b.dur, 20*time.Second)
	m, err := measureIdle(s, d, func() { time.Sleep(d) })
	if err != nil {
		b.fail("frozen", err)
		return
	}
	b.add(fmt.Sprintf("Frames while nothing changes (simulator %d services, --clock pinned)", n),
		fmt.Sprintf("%.1f writes/s, %.0f B/s over %v (%.2f CPU-s)", m.writesPerS, m.bytesPerS, d, m.cpu), "0 frames",
		"as above, after 5 s warm-up")
}

func (b *bench) fail(what string, err error) {
	b.notes = append(b.notes, fmt.Sprintf("%s: not measured: %v", what, err))
	fmt.Fprintf(os.Stderr, "bench: %s: %v\n", what, err)
}

// testbedEnv reads scripts/testbed's env file.
func testbedEnv() (map[string]string, string, error) {
	dir := os.Getenv("OPSDECK_TESTBED_DIR")
	if dir == "" {
		dir = "/tmp/opsdeck-testbed"
	}
	f, err := os.Open(filepath.Join(dir, "env"))
	if err != nil {
		return nil, dir, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			env[k] = v
		}
	}
	return env, dir, sc.Err()
}

func dockerdPID(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run", "dockerd.pid"))
	if err != nil {
		return 0, err
	}
	var pid int
	_, err = fmt.Sscan(string(b), &pid)
	return pid, err
}

// cpuOver is pid's CPU seconds over d.
func cpuOver(pid int, d time.Duration) (float64, error) {
	c0, err := cpuSeconds(pid)
	if err != nil {
		return 0, err
	}
	time.Sleep(d)
	c1, err := cpuSeconds(pid)
	return c1 - c0, err
}

// testbedIdle measures opsdeck against n idle containers of the test bed,
// its Docker requests through a counting proxy, and dockerd's CPU without
// and with it.
func (b *bench) testbedIdle(n int) {
	label := fmt.Sprintf("test bed %d containers", n)
	if err := run(b.testbed, "up", "--containers", fmt.Sprint(n)); err != nil {
		b.fail(label, err)
		return
	}
	env, dir, err := testbedEnv()
	if err != nil {
		b.fail(label, err)
		return
	}
	dpid, err := dockerdPID(dir)
	if err != nil {
		b.fail(label, err)
		return
	}
	sock := filepath.Join(b.tmp, fmt.Sprintf("docker-%d.sock", n))
	proxy, err := newCountingProxy(sock, strings.TrimPrefix(env["OPSDECK_TB_DOCKER_HOST"], "unix://"))
	if err != nil {
		b.fail(label, err)
		return
	}
	defer proxy.close()
	cfg, err := testbedConfig(b.tmp, n, sock, env["OPSDECK_TB_PROM_URL"], 2*time.Second)
	if err != nil {
		b.fail(label, err)
		return
	}
	var without float64
	if !b.quick {
		if without, err = cpuOver(dpid, b.dur); err != nil {
			b.fail(label, err)
			return
		}
	}
	s, err := b.start(context.Background(), label, "--config", cfg)
	if err != nil {
		b.fail(label, err)
		return
	}
	defer s.stop()
	if at, err := s.waitFor("scale-svc-001", 10*time.Second); err == nil {
		b.add("Time to first frame with the fleet, "+label, fmt.Sprintf("%d ms", at.Milliseconds()), "< 300 ms",
			"process start to the pty write that completes the first container's name")
	} else {
		b.fail("first frame, "+label, err)
	}
	var with float64
	var c0, c1 map[string]int
	m, err := measureIdle(s, b.dur, func() {
		c0 = proxy.counts()
		with, err = cpuOver(dpid, b.dur)
		c1 = proxy.counts()
	})
	if err != nil {
		b.fail(label, err)
		return
	}
	b.reportIdle(label, m)
	total, kinds := 0, []string{}
	for k, v := range c1 {
		if d := v - c0[k]; d > 0 {
			total += d
			kinds = append(kinds, fmt.Sprintf("%s ×%d", k, d))
		}
	}
	slices.Sort(kinds)
	statsReqs := c1["GET /containers/{id}/stats"] - c0["GET /containers/{id}/stats"]
	b.add("Docker API requests while idle, "+label, fmt.Sprintf("%.2f req/s (%s)", float64(total)/b.dur.Seconds(), strings.Join(kinds, ", ")),
		"≤ ¼ of ctop's", "HTTP requests counted by a proxy on a unix socket between opsdeck and the test bed's dockerd")
	if b.quick {
		return // no window without opsdeck to compare with
	}
	b.add("dockerd extra CPU, "+label, fmt.Sprintf("%+.2f CPU-s in %v (%.2f with, %.2f without)", with-without, b.dur, with, without),
		"≤ ¼ of ctop's", "dockerd utime+stime from /proc over the window with opsdeck running minus one without (consecutive windows)")
	s.stop()
	b.ctopReference(label, sock, proxy, dpid, without, float64(statsReqs)/b.dur.Seconds(), with-without)
}

// ctopReference runs the ctop-like reference load (ctoplike.go) on the
// same fleet and proxy, measured the same way, and compares opsdeck's
// figures with it: stats samples dockerd serves per second (a one-shot
// request is one sample, a stream one per second) and dockerd's extra CPU.
func (b *bench) ctopReference(label, sock string, proxy *countingProxy, dpid int, without, opsStatsPerS, opsExtra float64) {
	const lead = time.Second // streams open before the CPU window starts
	c0 := proxy.counts()
	var (
		samples int64
		err     error
		done    = make(chan struct{})
	)
	go func() {
		samples, err = ctopLike(sock, b.dur+2*lead)
		close(done)
	}()
	time.Sleep(lead)
	with, cerr := cpuOver(dpid, b.dur)
	<-done
	if err == nil {
		err = cerr
	}
	if err != nil {
		b.fail("ctop-like reference, "+label, err)
		return
	}
	c1 := proxy.counts()
	reqs := 0
	for k, v := range c1 {
		reqs += v - c0[k]
	}
	secs := (b.dur + 2*lead).Seconds()
	perS := float64(samples) / secs
	extra := with - without
	how := "stand-in for ctop built from ctop's documented approach (one streaming stats request per running container), NOT ctop; scripts/bench/ctoplike.go through the same counting proxy"
	b.add("ctop-like reference load, "+label+": Docker requests and stats samples",
		fmt.Sprintf("%.2f req/s (%d requests opened, streams held open), %.1f stats samples/s", float64(reqs)/secs, reqs, perS), "(reference)", how)
	b.add("ctop-like reference load, "+label+": dockerd extra CPU",
		fmt.Sprintf("%+.2f CPU-s in %v (%.2f with, %.2f without)", extra, b.dur, with, without), "(reference)",
		"dockerd utime+stime over the window while the reference load runs, minus the window without opsdeck above")
	ratio := func(a, b float64) string {
		if b <= 0 {
			return "n/a (reference ≤ 0)"
		}
		return fmt.Sprintf("%.2f×", a/b)
	}
	b.add("opsdeck vs ctop-like, "+label,
		fmt.Sprintf("stats samples/s %.2f vs %.1f = %s; dockerd extra CPU %+.2f vs %+.2f CPU-s = %s", opsStatsPerS, perS, ratio(opsStatsPerS, perS), opsExtra, extra, ratio(opsExtra, extra)),
		"≤ 0.25×", "ratios of the figures above (dockerd CPU on a shared machine is noisy)")
}

// keypress measures key-to-frame while every Prometheus request is held
// for 30 s by a delaying proxy.
func (b *bench) keypress() {
	env, _, err := testbedEnv()
	if err != nil {
		b.fail("keypress", err)
		return
	}
	prom, closeProm, err := newDelayingProxy(env["OPSDECK_TB_PROM_URL"], 30*time.Second)
	if err != nil {
		b.fail("keypress", err)
		return
	}
	defer closeProm()
	n := 0
	fmt.Sscan(env["OPSDECK_TB_SCALE_CONTAINERS"], &n)
	cfg, err := testbedConfig(b.tmp, max(n, 1), strings.TrimPrefix(env["OPSDECK_TB_DOCKER_HOST"], "unix://"), prom, 2*time.Second)
	if err != nil {
		b.fail("keypress", err)
		return
	}
	s, err := b.start(context.Background(), "keypress", "--config", cfg)
	if err != nil {
		b.fail("keypress", err)
		return
	}
	defer s.stop()
	time.Sleep(warmUp)
	var lat []time.Duration
	for i := range 20 {
		key := []string{"2", "3", "1", "4"}[i%4] // view switches: each one a new frame
		d, err := s.keyLatency(key, 2*time.Second)
		if err != nil {
			b.fail("keypress", err)
			return
		}
		lat = append(lat, d)
		time.Sleep(250 * time.Millisecond)
	}
	slices.Sort(lat)
	b.add("Keypress to frame, Prometheus answering after 30 s",
		fmt.Sprintf("median %.1f ms, max %.1f ms (%d keys)", ms(lat[len(lat)/2]), ms(lat[len(lat)-1]), len(lat)), "< 50 ms",
		"view-switch key written to the pty until opsdeck's next write; Prometheus behind a 30 s delaying proxy")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
