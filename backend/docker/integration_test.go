//go:build integration

package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/versions"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "test"
	}
	if cfg.Host == "" {
		cfg.Host = harness.host
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// services fetches and keeps the services of one project.
func services(e *Engine, proj string) (map[string]backend.Service, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p, err := e.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]backend.Service{}
	for _, s := range p.Services {
		if s.Project == proj {
			out[s.Name] = s
		}
	}
	return out, nil
}

// containerIn finds container id in the project's services.
func containerIn(e *Engine, proj, id string) (backend.Service, backend.Container, error) {
	svcs, err := services(e, proj)
	if err != nil {
		return backend.Service{}, backend.Container{}, err
	}
	for _, s := range svcs {
		for _, c := range s.Containers {
			if c.ID == id {
				return s, c, nil
			}
		}
	}
	return backend.Service{}, backend.Container{}, fmt.Errorf("container %s not in inventory", shortID(id))
}

func TestDiscovery(t *testing.T) {
	bed := need(t)
	proj := bed.Project
	api1 := run(t, bed, spec{name: "api-1", project: proj, service: "api", health: true})
	api2 := run(t, bed, spec{name: "api-2", project: proj, service: "api", health: true})
	web := run(t, bed, spec{name: "web-1", project: proj, service: proj + "-web", image: imageRepo + ":v2", health: true, env: []string{"OPSDECK_UNHEALTHY=1"}})
	landing := run(t, bed, spec{name: "landing-1", project: proj, service: "landing", image: harness.v1ID})
	worker := run(t, bed, spec{name: "worker-1", project: proj, service: "worker", noStart: true})
	oneoff := run(t, bed, spec{name: "api-run", project: proj, service: "api", oneoff: true})
	plain := run(t, bed, spec{name: "plain"})

	e := newEngine(t, Config{Name: "disc", HostLabel: "tb-host"})
	startEngine(t, e)

	// Health needs a probe or two (interval 1 s).
	took := testbed.Eventually(t, 8*time.Second, "discovery with health", func() (bool, string) {
		svcs, err := services(e, proj)
		if err != nil {
			return false, err.Error()
		}
		a, w := svcs[proj+"-api"], svcs[proj+"-web"]
		if len(a.Containers) != 2 || a.Containers[0].Health != backend.HealthHealthy || a.Containers[1].Health != backend.HealthHealthy {
			return false, fmt.Sprintf("api %+v", a.Containers)
		}
		if len(w.Containers) != 1 || w.Containers[0].Health != backend.HealthUnhealthy {
			return false, fmt.Sprintf("web %+v", w.Containers)
		}
		return true, ""
	})
	t.Logf("discovered with health after %v", took)

	svcs, err := services(e, proj)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(svcs))
	for n := range svcs {
		names = append(names, n)
	}
	if len(svcs) != 4 {
		t.Fatalf("services %v, want api, web, landing, worker", names)
	}
	check := func(name string, comp backend.Component, ids ...string) backend.Service {
		t.Helper()
		s, ok := svcs[name]
		if !ok {
			t.Fatalf("service %s missing; have %v", name, names)
		}
		if s.Component != comp || s.Project != proj || s.Host != "tb-host" {
			t.Errorf("%s: component %q project %q host %q", name, s.Component, s.Project, s.Host)
		}
		if len(s.Containers) != len(ids) {
			t.Fatalf("%s: %d containers, want %d", name, len(s.Containers), len(ids))
		}
		for i, id := range ids {
			c := s.Containers[i]
			if c.ID != id || c.Host != "tb-host" || strings.HasPrefix(c.Name, "/") {
				t.Errorf("%s container %d: %+v", name, i, c)
			}
		}
		return s
	}
	a := check(proj+"-api", backend.ComponentBackend, api1, api2)
	for _, c := range a.Containers {
		if c.Version != "v1" || c.State != backend.StateRunning || c.StartedAt.IsZero() || c.Image != imageRepo+":v1" {
			t.Errorf("api container %+v", c)
		}
	}
	if want := a.Containers[1].StartedAt; a.Containers[0].StartedAt.After(want) || !a.LastDeploy.Equal(want) {
		t.Errorf("LastDeploy %v, want newest start %v", a.LastDeploy, want)
	}
	w := check(proj+"-web", backend.ComponentWeb, web)
	if w.Containers[0].Version != "v2" {
		t.Errorf("web version %q", w.Containers[0].Version)
	}
	l := check(proj+"-landing", backend.ComponentLanding, landing)
	if c := l.Containers[0]; c.Version != "1.0.0" || c.Health != backend.HealthNone {
		t.Errorf("landing (created from image ID, no health check): %+v", c)
	}
	wk := check(proj+"-worker", backend.ComponentBackend, worker)
	if c := wk.Containers[0]; c.State != backend.StateCreated || !c.StartedAt.IsZero() || !wk.LastDeploy.IsZero() {
		t.Errorf("never-started worker: %+v", c)
	}
	for _, s := range svcs {
		for _, c := range s.Containers {
			if c.ID == oneoff || c.ID == plain {
				t.Errorf("one-off or non-compose container listed: %s", c.Name)
			}
		}
	}

	// A configured override renames; ok=false falls back to the default.
	e2 := newEngine(t, Config{Name: "disc2", Resolve: func(p, s string) (string, backend.Component, bool) {
		if s == "worker" {
			return p + "-jobs", backend.ComponentBackend, true
		}
		return "", "", false
	}})
	startEngine(t, e2)
	testbed.Eventually(t, 3*time.Second, "resolve override", func() (bool, string) {
		svcs, err := services(e2, proj)
		if err != nil {
			return false, err.Error()
		}
		_, jobs := svcs[proj+"-jobs"]
		_, api := svcs[proj+"-api"]
		return jobs && api && len(svcs) == 4, fmt.Sprint(len(svcs), " services")
	})
}

// A container whose health flaps is followed from the health events
// alone: the inventory shows each flip, and none costs an inspect.
func TestHealthFlapsWithoutInspects(t *testing.T) {
	bed := need(t)
	proj := bed.Project
	run(t, bed, spec{name: "flap-1", project: proj, service: "api", flap: true})
	p := newProxy(t)
	e := newEngine(t, Config{Name: "flap", Host: "unix://" + p.path})
	startEngine(t, e)
	testbed.Eventually(t, 10*time.Second, "the container in the inventory", func() (bool, string) {
		svcs, err := services(e, proj)
		if err != nil {
			return false, err.Error()
		}
		return len(svcs[proj+"-api"].Containers) == 1, fmt.Sprintf("%+v", svcs)
	})
	synced := p.inspects.Load()
	var seen []backend.Health
	deadline := time.Now().Add(15 * time.Second)
	for len(seen) < 4 && time.Now().Before(deadline) {
		svcs, err := services(e, proj)
		if err != nil {
			t.Fatal(err)
		}
		if h := svcs[proj+"-api"].Containers[0].Health; len(seen) == 0 || seen[len(seen)-1] != h {
			seen = append(seen, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
	flips := 0
	for i := 1; i < len(seen); i++ {
		if seen[i] == backend.HealthHealthy && seen[i-1] == backend.HealthUnhealthy || seen[i] == backend.HealthUnhealthy && seen[i-1] == backend.HealthHealthy {
			flips++
		}
	}
	if flips < 2 {
		t.Fatalf("health seen %v: want it to flip between healthy and unhealthy at least twice", seen)
	}
	if n := p.inspects.Load() - synced; n != 0 {
		t.Errorf("%d inspects for %d health flips, want none", n, flips)
	}
	t.Logf("health %v, inspects at sync %d", seen, synced)
}

func TestStopSeenViaEventsAndRestart(t *testing.T) {
	bed := need(t)
	proj := bed.Project
	id := run(t, bed, spec{name: "stop-api", project: proj, service: "api"})
	e := newEngine(t, Config{Name: "stop"})
	startEngine(t, e)
	var before backend.Container
	testbed.Eventually(t, 3*time.Second, "running", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		before = c
		return err == nil && c.State == backend.StateRunning, fmt.Sprint(err, c.State)
	})

	// Stop from outside opsdeck, as someone on the host would.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := bed.Client.ContainerStop(ctx, id, container.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	took := testbed.Eventually(t, 2*time.Second, "stop seen via events", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		return err == nil && c.State == backend.StateExited, fmt.Sprint(err, c.State)
	})
	t.Logf("stop seen in Fetch %v after the API call returned", took)

	if err := e.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 2*time.Second, "started", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		return err == nil && c.State == backend.StateRunning && c.StartedAt.After(before.StartedAt), fmt.Sprint(err, c.State)
	})
	_, started, _ := containerIn(e, proj, id)

	if err := e.Restart(ctx, id, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 2*time.Second, "restart seen", func() (bool, string) {
		s, c, err := containerIn(e, proj, id)
		if err != nil {
			return false, err.Error()
		}
		ok := c.State == backend.StateRunning && c.StartedAt.After(started.StartedAt) &&
			s.Name == proj+"-api" && len(s.Containers) == 1 && s.LastDeploy.Equal(c.StartedAt)
		return ok, fmt.Sprintf("%s %v %+v", s.Name, c.StartedAt, c)
	})

	if err := e.Stop(ctx, id, time.Second); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 2*time.Second, "Stop seen", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		return err == nil && c.State == backend.StateExited, fmt.Sprint(err, c.State)
	})
	if err := e.Restart(ctx, "no-such-container-"+bed.Project, time.Second); err == nil || !strings.Contains(err.Error(), "restart") {
		t.Errorf("restart of a missing container: %v", err)
	}

	// Removal drops the container from the inventory.
	if err := bed.Client.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 2*time.Second, "removal seen", func() (bool, string) {
		svcs, err := services(e, proj)
		return err == nil && len(svcs) == 0, fmt.Sprint(err, len(svcs))
	})
}

// successor is the line the test program writes after text.
func successor(text string) string {
	var n int
	if _, err := fmt.Sscanf(text, "out %d", &n); err == nil {
		return fmt.Sprintf("err %d", n)
	}
	if _, err := fmt.Sscanf(text, "err %d", &n); err == nil {
		return fmt.Sprintf("out %d", n+1)
	}
	return "?"
}

func checkSequence(t *testing.T, lines []LogLine, tty bool) {
	t.Helper()
	for i, l := range lines {
		want := "stdout"
		if !tty && strings.HasPrefix(l.Text, "err") {
			want = "stderr"
		}
		if l.Stream != want {
			t.Errorf("line %d %q on %s, want %s", i, l.Text, l.Stream, want)
		}
		if i > 0 && l.Text != successor(lines[i-1].Text) {
			t.Errorf("line %d %q follows %q: out of order or lost", i, l.Text, lines[i-1].Text)
		}
	}
}

func TestLogs(t *testing.T) {
	bed := need(t)
	id := run(t, bed, spec{name: "logs"})
	ttyID := run(t, bed, spec{name: "logs-tty", tty: true})
	e := newEngine(t, Config{Name: "logs"}) // Logs needs no Run
	time.Sleep(600 * time.Millisecond)      // a dozen lines of history

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var tail []LogLine
	if err := e.Logs(ctx, id, LogOptions{Tail: 4}, func(l LogLine) { tail = append(tail, l) }); err != nil {
		t.Fatal(err)
	}
	if len(tail) != 4 {
		t.Fatalf("Tail 4 gave %d lines: %+v", len(tail), tail)
	}
	checkSequence(t, tail, false)
	if !tail[0].At.IsZero() {
		t.Errorf("At set without Timestamps: %+v", tail[0])
	}

	// Follow: history tail, then live lines, until cancelled.
	fctx, fcancel := context.WithCancel(ctx)
	var (
		mu    sync.Mutex
		lines []LogLine
	)
	done := make(chan error, 1)
	go func() {
		done <- e.Logs(fctx, id, LogOptions{Tail: 2, Follow: true, Timestamps: true}, func(l LogLine) {
			mu.Lock()
			lines = append(lines, l)
			mu.Unlock()
		})
	}()
	testbed.Eventually(t, 3*time.Second, "followed lines", func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(lines) >= 12, fmt.Sprint(len(lines))
	})
	fcancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Logs after cancel: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Logs did not return within 1 s of cancel")
	}
	mu.Lock()
	got := append([]LogLine(nil), lines...)
	mu.Unlock()
	checkSequence(t, got, false)
	var sawOut, sawErr bool
	for i, l := range got {
		sawOut = sawOut || l.Stream == "stdout"
		sawErr = sawErr || l.Stream == "stderr"
		if l.At.IsZero() || (i > 0 && l.At.Before(got[i-1].At)) || strings.Contains(l.Text, "Z ") {
			t.Errorf("line %d time %v text %q", i, l.At, l.Text)
		}
	}
	if !sawOut || !sawErr {
		t.Errorf("want both streams, got %+v", got)
	}
	if first := got[0].At; time.Since(first) < 200*time.Millisecond {
		t.Errorf("first followed line is from %v: Tail history missing", first)
	}
	t.Logf("followed %d lines, %s … %s", len(got), got[0].Text, got[len(got)-1].Text)

	// A TTY container's output is one raw stream.
	var raw []LogLine
	if err := e.Logs(ctx, ttyID, LogOptions{Tail: 6}, func(l LogLine) { raw = append(raw, l) }); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 6 {
		t.Fatalf("tty Tail 6 gave %d lines: %+v", len(raw), raw)
	}
	checkSequence(t, raw, true)

	if err := e.Logs(ctx, "no-such-container-"+bed.Project, LogOptions{}, func(LogLine) {}); err == nil {
		t.Error("logs of a missing container succeeded")
	}
}

func TestStats(t *testing.T) {
	bed := need(t)
	const limit = 64 << 20
	burner := run(t, bed, spec{name: "burn", cmd: []string{"-burn", "-mem", "24"}, nanoCPUs: 5e8, memory: limit})
	idle1 := run(t, bed, spec{name: "idle-1"})
	idle2 := run(t, bed, spec{name: "idle-2"})
	idle3 := run(t, bed, spec{name: "idle-3"})
	stopped := run(t, bed, spec{name: "created", noStart: true})
	p := newProxy(t)
	e := newEngine(t, Config{Name: "stats", Host: "unix://" + p.path, StatsConcurrency: 2})
	time.Sleep(300 * time.Millisecond) // let the burner reach its quota

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// The stats source's first fetch: two samples of each new container.
	src := e.StatsSource()
	start := time.Now()
	if errs := src.sampleShare(ctx, []string{burner, idle1, idle2, idle3, stopped}); len(errs) != 0 {
		t.Fatal(errs)
	}
	took := time.Since(start)
	st := map[string]Stats{}
	for id, c := range src.seen {
		if !c.cpu {
			t.Fatalf("%s: no second sample in a fetch with room for it", shortID(id))
		}
		st[id] = c.stats
	}
	t.Logf("stats of 5 took %v; max in flight %d", took, p.statsMax.Load())
	// Engine 20.10 answers a stats request at its next 1 s tick: two passes
	// of two waves (4 running, 2 at a time) are 4 ticks at most.
	if took > 5*time.Second {
		t.Errorf("Stats took %v", took)
	}
	if m := p.statsMax.Load(); m < 1 || m > 2 {
		t.Errorf("%d stats requests in flight, want ≤ StatsConcurrency 2", m)
	}
	if _, ok := st[stopped]; ok || len(st) != 4 {
		t.Errorf("want the 4 running containers only, got %d", len(st))
	}
	b := st[burner]
	t.Logf("burner %+v", b)
	if b.CPUPct < 25 || b.CPUPct > 75 { // quota half a core
		t.Errorf("burner CPU %.1f%%, want about 50", b.CPUPct)
	}
	if b.MemLimitBytes != limit || b.MemBytes < 24<<20 || b.MemBytes > limit {
		t.Errorf("burner memory %d of %d, want ≥ 24 MiB of 64 MiB", b.MemBytes, b.MemLimitBytes)
	}
	if want := 100 * float64(b.MemBytes) / limit; b.MemPct < want-0.01 || b.MemPct > want+0.01 {
		t.Errorf("MemPct %.2f, want %.2f", b.MemPct, want)
	}
	for _, id := range []string{idle1, idle2, idle3} {
		s := st[id]
		if s.CPUPct < 0 || s.CPUPct > 25 || s.MemBytes == 0 || s.MemBytes > 32<<20 || s.MemLimitBytes < 256<<20 {
			t.Errorf("idle %s: %+v", shortID(id), s)
		}
		if s.BlkReadBps < 0 || s.BlkWriteBps < 0 {
			t.Errorf("negative block I/O: %+v", s)
		}
	}
}

// The stats source samples a real engine in turns within its budget: with
// room for two samples per fetch and three containers, every container has
// memory after two fetches and CPU after four, and the half-core burner
// reads about 50%.
func TestStatsSourceInTurns(t *testing.T) {
	bed := need(t)
	burner := run(t, bed, spec{name: "turns-burn", cmd: []string{"-burn"}, nanoCPUs: 5e8})
	idle1 := run(t, bed, spec{name: "turns-idle-1"})
	idle2 := run(t, bed, spec{name: "turns-idle-2"})
	p := newProxy(t)
	e := newEngine(t, Config{Name: "turns", Host: "unix://" + p.path, StatsConcurrency: 2})
	s := e.StatsSource()
	s.budget = 2
	ids := []string{burner, idle1, idle2}
	owner := map[string]string{burner: "burn", idle1: "idle-1", idle2: "idle-2"}
	time.Sleep(300 * time.Millisecond) // let the burner reach its quota
	for fetch := 1; fetch <= 4; fetch++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		before := p.statsTotal.Load()
		errs := s.sampleShare(ctx, ids)
		cancel()
		if len(errs) != 0 {
			t.Fatalf("fetch %d: %v", fetch, errs)
		}
		if n := p.statsTotal.Load() - before; n > 2 {
			t.Fatalf("fetch %d asked for %d samples, budget 2", fetch, n)
		}
		out := s.sums(owner).Metrics
		if fetch == 2 && len(out) != 3 {
			t.Fatalf("after 2 fetches %d of 3 services have figures: %+v", len(out), out)
		}
		if fetch == 4 {
			for name, m := range out {
				// Disk I/O is a rate too: known once CPU is, and never
				// negative (an idle container reads 0, not missing).
				if !m.CPUPct.Valid || !m.MemBytes.Valid || m.MemBytes.V <= 0 || !m.DiskBps.Valid || m.DiskBps.V < 0 {
					t.Fatalf("after 4 fetches %s = %+v", name, m)
				}
			}
			if c := out["burn"].CPUPct.V; c < 25 || c > 75 {
				t.Errorf("burner CPU %.1f%%, want about 50", c)
			}
			t.Logf("burner %+v, idle %+v", out["burn"], out["idle-1"])
		}
	}
}

// Stats rounds reuse their connections: a second round of as many
// requests as StatsConcurrency dials none (net/http keeps two idle
// connections per host unless told otherwise).
func TestStatsReuseConnections(t *testing.T) {
	bed := need(t)
	id := run(t, bed, spec{name: "reuse"})
	p := newProxy(t)
	e := newEngine(t, Config{Name: "reuse", Host: "unix://" + p.path, StatsConcurrency: 8})
	ids := make([]string, 8)
	for i := range ids {
		ids[i] = id
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, errs := e.sampleAll(ctx, ids); len(errs) != 0 {
		t.Fatal(errs)
	}
	first := p.conns.Load()
	for range 2 {
		if _, errs := e.sampleAll(ctx, ids); len(errs) != 0 {
			t.Fatal(errs)
		}
	}
	if more := p.conns.Load() - first; more != 0 {
		t.Fatalf("two more rounds of 8 stats requests dialled %d new connections (first round: %d)", more, first)
	}
	t.Logf("connections: %d for three rounds of 8", p.conns.Load())
}

func TestUnreachable(t *testing.T) {
	bed := need(t) // only for the common skip rule; this engine is not the test bed's
	e := newEngine(t, Config{Name: "gone", Host: "unix:///nonexistent/opsdeck-" + bed.Project + ".sock"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	if _, err := e.Fetch(short); err == nil || !strings.Contains(err.Error(), "Run has not been started") {
		t.Errorf("Fetch without Run: %v", err)
	}
	startEngine(t, e)
	start := time.Now()
	_, err := e.Fetch(ctx)
	took := time.Since(start)
	t.Logf("Fetch error after %v: %v", took, err)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/opsdeck-") || !strings.Contains(err.Error(), "Cannot connect") {
		t.Errorf("want a readable connection error naming the socket, got %v", err)
	}
	if took > time.Second {
		t.Errorf("Fetch took %v", took)
	}
	start = time.Now()
	if _, errs := e.sampleAll(ctx, []string{"x"}); len(errs) == 0 {
		t.Error("stats succeeded")
	}
	if err := e.Logs(ctx, "x", LogOptions{Follow: true}, func(LogLine) {}); err == nil {
		t.Error("Logs succeeded")
	}
	if err := e.Restart(ctx, "x", time.Second); err == nil {
		t.Error("Restart succeeded")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("actions against a dead engine took %v", took)
	}
}

// TestDialerAndRecovery runs the engine as an ssh:// engine would be: the
// dialer (here: to a proxy in front of the real socket) carries every
// connection. Restarting the proxy breaks the event stream; a change made
// while it is down must show up after Run resubscribes.
func TestDialerAndRecovery(t *testing.T) {
	bed := need(t)
	proj := bed.Project
	id := run(t, bed, spec{name: "rec-api", project: proj, service: "api"})
	p := newProxy(t)
	var (
		dmu    sync.Mutex
		dialed []string
	)
	e := newEngine(t, Config{Name: "remote", Host: "ssh://ops@db-1.invalid", Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dmu.Lock()
		dialed = append(dialed, network+" "+addr)
		dmu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, "unix", p.path)
	}})
	if e.Name() != "docker@remote" || e.Kind() != "docker" || len(e.Feeds()) != 1 || e.Feeds()[0] != backend.FeedInventory {
		t.Errorf("identity %s %s %v", e.Name(), e.Kind(), e.Feeds())
	}
	startEngine(t, e)
	testbed.Eventually(t, 3*time.Second, "running via dialer", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		return err == nil && c.State == backend.StateRunning, fmt.Sprint(err)
	})
	dmu.Lock()
	if len(dialed) == 0 || dialed[0] != "unix /var/run/docker.sock" {
		t.Errorf("dialer called with %v, want the remote socket", dialed)
	}
	dmu.Unlock()

	p.stop()
	testbed.Eventually(t, 3*time.Second, "Fetch reports the lost stream", func() (bool, string) {
		_, err := e.Fetch(context.Background())
		if err != nil {
			t.Logf("while down: %v", err)
		}
		return err != nil, "no error"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := bed.Client.ContainerStop(ctx, id, container.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	p.start(t)
	took := testbed.Eventually(t, 5*time.Second, "recovered with the missed stop", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		return err == nil && c.State == backend.StateExited, fmt.Sprint(err, c.State)
	})
	t.Logf("recovered %v after the proxy came back; %d subscriptions", took, p.subscriptions.Load())
	if p.subscriptions.Load() < 2 {
		t.Errorf("%d event subscriptions, want a resubscription", p.subscriptions.Load())
	}
	// The new stream delivers.
	if err := bed.Client.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 2*time.Second, "event after recovery", func() (bool, string) {
		_, c, err := containerIn(e, proj, id)
		return err == nil && c.State == backend.StateRunning, fmt.Sprint(err, c.State)
	})
}

// TestNegotiation: a DOCKER_API_VERSION in the environment must not pin the
// version (it would with client.FromEnv), and the client must step down to
// the engine's version — 1.41 for Debian's Engine 20.10.
func TestNegotiation(t *testing.T) {
	bed := need(t)
	t.Setenv("DOCKER_API_VERSION", "1.51")
	e := newEngine(t, Config{Name: "nego"})
	startEngine(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	sv, err := bed.Client.ServerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := e.APIVersion()
	want := sv.APIVersion
	if versions.LessThan(api.DefaultVersion, want) {
		want = api.DefaultVersion
	}
	t.Logf("engine %s API %s; negotiated %s", sv.Version, sv.APIVersion, got)
	if got != want {
		t.Errorf("negotiated %s, want %s", got, want)
	}
	if strings.HasPrefix(sv.Version, "20.10") && versions.GreaterThan(got, "1.41") {
		t.Errorf("negotiated %s against Engine 20.10, want ≤ 1.41", got)
	}
}
