package sim

import (
	"context"
	"errors"
	"math"
	"reflect"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// testNow is the seed dashboard's "Last Update: 12:34:56".
var testNow = time.Date(2026, 11, 26, 12, 34, 56, 0, time.UTC)

// seedServices mirrors the fleet of the seed's "Monitoring Dashboard
// Layout" (and the embedded demo config): six projects, fifteen services.
func seedServices() []backend.Service {
	var out []backend.Service
	add := func(project string, names map[backend.Component]string) {
		for _, c := range backend.Components {
			if name, ok := names[c]; ok {
				out = append(out, backend.Service{Project: project, Component: c, Name: name, Host: "prod-1"})
			}
		}
	}
	B, W, L := backend.ComponentBackend, backend.ComponentWeb, backend.ComponentLanding
	add("mana-core-auth", map[backend.Component]string{B: "mana-core-auth"})
	for _, p := range []string{"chat", "maerchenzauber", "picture", "uload"} {
		add(p, map[backend.Component]string{B: p + "-backend", W: p + "-web", L: p + "-landing"})
	}
	add("memoro", map[backend.Component]string{W: "memoro-web", L: "memoro-landing"})
	return out
}

// seedProfiles are the demo config's profiles: ~1,234 req/s, 0.2% errors,
// picture-backend at 85% memory, chat-backend's 250 ms slow query.
func seedProfiles() map[string]Profile {
	return map[string]Profile{
		"mana-core-auth":         {RPS: 260, ErrorRatePct: 0.2, P95MS: 470},
		"chat-backend":           {RPS: 300, ErrorRatePct: 0.25, P95MS: 480, CPUPct: 10, SlowQueryMS: 250},
		"chat-web":               {RPS: 110, ErrorRatePct: 0.1, P95MS: 460, MemoryPct: 70},
		"chat-landing":           {RPS: 12, ErrorRatePct: 0.05, P95MS: 180},
		"maerchenzauber-backend": {RPS: 140, ErrorRatePct: 0.3, P95MS: 490},
		"maerchenzauber-web":     {RPS: 60, ErrorRatePct: 0.1, P95MS: 440},
		"maerchenzauber-landing": {RPS: 8, ErrorRatePct: 0.05, P95MS: 170},
		"picture-backend":        {RPS: 180, ErrorRatePct: 0.3, P95MS: 490, CPUPct: 25, MemoryPct: 85},
		"picture-web":            {RPS: 70, ErrorRatePct: 0.1, P95MS: 450},
		"picture-landing":        {RPS: 10, ErrorRatePct: 0.05, P95MS: 190},
		"memoro-web":             {RPS: 40, ErrorRatePct: 0.1, P95MS: 430},
		"memoro-landing":         {RPS: 6, ErrorRatePct: 0.05, P95MS: 160},
		"uload-backend":          {RPS: 24, ErrorRatePct: 0.2, P95MS: 420},
		"uload-web":              {RPS: 10, ErrorRatePct: 0.1, P95MS: 400},
		"uload-landing":          {RPS: 4, ErrorRatePct: 0.05, P95MS: 150},
		"chat":                   {Connections: 8, MaxConnections: 10, AvgQueryMS: 45, SlowQueries: 3, CacheHitPct: 98.5},
		"picture":                {Connections: 9, MaxConnections: 10, AvgQueryMS: 62, SlowQueries: 8, CacheHitPct: 96.2},
		"manacore":               {Connections: 5, MaxConnections: 10, AvgQueryMS: 28, SlowQueries: 0, CacheHitPct: 99.1},
		"Azure OpenAI":           {LatencyMS: 850, SuccessPct: 99.9},
		"Supabase (chat)":        {LatencyMS: 35, SuccessPct: 100},
		"Supabase (picture)":     {LatencyMS: 42, SuccessPct: 100},
		"Redis Cache":            {LatencyMS: 2, SuccessPct: 100},
	}
}

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func seedConfig(seed int64, now func() time.Time) Config {
	return Config{
		Seed:         seed,
		Clock:        now,
		Services:     seedServices(),
		Databases:    []string{"chat", "picture", "manacore"},
		Dependencies: []string{"Azure OpenAI", "Supabase (chat)", "Supabase (picture)", "Redis Cache"},
		Profiles:     seedProfiles(),
		Thresholds:   backend.DefaultThresholds(),
	}
}

func seedFleet(seed int64) (*Fleet, *clock) {
	c := &clock{t: testNow}
	return New(seedConfig(seed, c.now)), c
}

// fetch fetches from the named source, failing the test on error.
func fetch(t testing.TB, f *Fleet, name string) backend.Partial {
	t.Helper()
	p, err := sourceOf(t, f, name).Fetch(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

func sourceOf(t testing.TB, f *Fleet, name string) backend.Source {
	t.Helper()
	for _, s := range f.Sources() {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no source %q", name)
	return nil
}

func TestSources(t *testing.T) {
	f, _ := seedFleet(1)
	srcs := f.Sources()
	if len(srcs) != 2 || srcs[0].Name() != "docker" || srcs[1].Name() != "prometheus" {
		t.Fatalf("sources %v", srcs)
	}
	want := map[string][]backend.Feed{
		"docker":     {backend.FeedInventory},
		"prometheus": {backend.FeedMetrics, backend.FeedAlerts, backend.FeedDatabases, backend.FeedDependencies},
	}
	for _, s := range srcs {
		if s.Kind() != "sim" || !reflect.DeepEqual(s.Feeds(), want[s.Name()]) {
			t.Errorf("%s: kind %q feeds %v", s.Name(), s.Kind(), s.Feeds())
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := seedFleet(1)
	b, _ := seedFleet(1)
	for _, name := range []string{"docker", "prometheus"} {
		pa, pb := fetch(t, a, name), fetch(t, b, name)
		if !reflect.DeepEqual(pa, pb) {
			t.Errorf("%s: same seed and clock, different partials", name)
		}
	}
	c, _ := seedFleet(2)
	pa, pc := fetch(t, a, "prometheus"), fetch(t, c, "prometheus")
	if reflect.DeepEqual(pa.Metrics, pc.Metrics) || reflect.DeepEqual(pa.Databases, pc.Databases) {
		t.Error("a different seed gives the same figures")
	}
	ia, ic := fetch(t, a, "docker"), fetch(t, c, "docker")
	if reflect.DeepEqual(ia.Services, ic.Services) {
		t.Error("a different seed gives the same inventory")
	}
}

func near(v backend.Value, level, tol float64) bool {
	return v.Valid && math.Abs(v.V-level) <= tol
}

func TestMovesNearProfileLevels(t *testing.T) {
	f, c := seedFleet(1)
	before := fetch(t, f, "prometheus").Metrics["picture-backend"]
	c.add(time.Minute)
	after := fetch(t, f, "prometheus").Metrics["picture-backend"]
	if before == after {
		t.Fatal("figures did not move in a minute")
	}
	for _, m := range []backend.Metrics{before, after} {
		if !near(m.MemPct, 85, 3) || !near(m.RPS, 180, 180*0.2) || !near(m.CPUPct, 25, 25*0.3) ||
			!near(m.P95MS, 490, 490*0.07) || !near(m.ErrorRatePct, 0.3, 0.3*0.35) {
			t.Errorf("picture-backend strays from its profile: %+v", m)
		}
		if r := m.AvgLatencyMS.V / m.P95MS.V; r < 0.45 || r > 0.6 {
			t.Errorf("avg latency is %.2f of p95", r)
		}
	}
}

// TestDerivedLevelsPlausible sweeps a generated fleet over two days: with
// no profile every figure must look like a healthy service of its kind.
func TestDerivedLevelsPlausible(t *testing.T) {
	c := &clock{t: testNow}
	f := New(Config{Seed: 7, Clock: c.now, Services: Generate(30, 3), Thresholds: backend.DefaultThresholds(),
		Databases: []string{"db"}, Dependencies: []string{"api"}})
	rps := map[backend.Component]span{
		backend.ComponentBackend: {50, 400}, backend.ComponentWeb: {20, 150}, backend.ComponentLanding: {1, 20},
	}
	in := func(v backend.Value, lo, hi float64) bool { return v.Valid && v.V >= lo && v.V <= hi }
	for step := 0; step < 2*24*60/37; step++ {
		p := fetch(t, f, "prometheus")
		for _, s := range f.services {
			m, r := p.Metrics[s.skel.Name], rps[s.skel.Component]
			if !in(m.RPS, r.lo*0.85, r.hi*1.15) || !in(m.ErrorRatePct, 0, 0.5*1.3) || !in(m.P95MS, 110, 500) ||
				!in(m.CPUPct, 2, 40*1.25) || !in(m.MemPct, 29, 71) || !in(p.Uptime[s.skel.Name], 99.5, 100) {
				t.Fatalf("%s at %v: implausible %+v uptime %v", s.skel.Name, c.now(), m, p.Uptime[s.skel.Name])
			}
		}
		if len(p.Alerts) != 0 {
			t.Fatalf("a healthy derived fleet raised %+v", p.Alerts[0])
		}
		db, dep := p.Databases[0], p.Dependencies[0]
		if !db.Up || db.Connections.V > db.MaxConnections.V || db.CacheHitPct.V > 100 || !dep.Up || dep.SuccessPct.V > 100 {
			t.Fatalf("implausible %+v %+v", db, dep)
		}
		c.add(37 * time.Minute)
	}
}

func TestSeedAlerts(t *testing.T) {
	f, c := seedFleet(1)
	// At every time of day the demo shows exactly the seed's two alerts.
	for i := 0; i < 24*6; i++ {
		as := fetch(t, f, "prometheus").Alerts
		if len(as) != 2 {
			t.Fatalf("at %v: %d alerts, want 2: %+v", c.now(), len(as), as)
		}
		w, info := as[0], as[1]
		if w.Name != "HighMemoryUsage" || w.Severity != backend.SeverityWarning || w.Service != "picture-backend" ||
			w.Summary != "High Memory Usage (85% > 80%)" || w.State != backend.AlertFiring {
			t.Fatalf("at %v: first alert %+v", c.now(), w)
		}
		if info.Name != "SlowQuery" || info.Severity != backend.SeverityInfo || info.Service != "chat-backend" ||
			info.Summary != "Slow Query Detected (250ms)" || info.State != backend.AlertFiring {
			t.Fatalf("at %v: second alert %+v", c.now(), info)
		}
		wantLabels := map[string]string{"alertname": "HighMemoryUsage", "severity": "warning", "service": "picture-backend"}
		if !reflect.DeepEqual(w.Labels, wantLabels) || w.Annotations["summary"] != w.Summary {
			t.Fatalf("labels %v annotations %v", w.Labels, w.Annotations)
		}
		c.add(10 * time.Minute)
	}
}

// TestSeedOverview checks the demo through the backend's own rules: every
// service up but picture-backend's memory warning (14 / 15 healthy, as the
// seed's 38 / 39 beside its one warning), ~1,234 req/s, ~0.2%.
func TestSeedOverview(t *testing.T) {
	f, _ := seedFleet(1)
	inv, tel := fetch(t, f, "docker"), fetch(t, f, "prometheus")
	snap := backend.Snapshot{Thresholds: backend.DefaultThresholds(), Services: backend.Merge(seedServices(), inv.Services, tel)}
	sum := snap.Summarize()
	if sum.Healthy != 14 || sum.Total != 15 || sum.ServicesStatus != backend.StatusUp || len(sum.Warnings) != 1 || sum.Warnings[0].Service != "picture-backend" {
		t.Fatalf("overview %d/%d warnings %+v", sum.Healthy, sum.Total, sum.Warnings)
	}
	if !near(sum.RPS, 1234, 1234*0.15) || !near(sum.ErrorRatePct, 0.2, 0.08) || sum.LatencyStatus != backend.StatusUp {
		t.Fatalf("overview figures %+v", sum)
	}
	for _, db := range tel.Databases {
		want := map[string]backend.Status{"chat": backend.StatusUp, "picture": backend.StatusWarn, "manacore": backend.StatusUp}[db.Name]
		if got := snap.Thresholds.PoolStatus(db); got != want {
			t.Errorf("%s pool %v, want %v (%+v)", db.Name, got, want, db)
		}
	}
}

// A pool profiled at 9/10 warns at every clock time and never touches
// 10/10, which is down: the figures keep their side of both levels.
func TestPoolsKeepTheirLevel(t *testing.T) {
	f, c := seedFleet(1)
	th := backend.DefaultThresholds()
	want := map[string]backend.Status{"chat": backend.StatusUp, "picture": backend.StatusWarn, "manacore": backend.StatusUp}
	for i := range 2000 {
		for _, db := range fetch(t, f, "prometheus").Databases {
			if got := th.PoolStatus(db); got != want[db.Name] {
				t.Fatalf("step %d: %s pool %v/%v is %v, want %v", i, db.Name, db.Connections.V, db.MaxConnections.V, got, want[db.Name])
			}
		}
		c.add(7 * time.Second)
	}
}

// Figures profiled at a down level stay down at every clock time: a full
// pool, memory at its limit (a critical alert), a dependency failing one
// probe in sixteen.
func TestProfiledAtTheDownLevelStaysDown(t *testing.T) {
	c := &clock{t: testNow}
	cfg := seedConfig(1, c.now)
	cfg.Profiles["picture"] = Profile{Connections: 10, MaxConnections: 10, AvgQueryMS: 60, SlowQueries: 8, CacheHitPct: 96}
	cfg.Profiles["picture-backend"] = Profile{RPS: 180, ErrorRatePct: 0.3, P95MS: 490, MemoryPct: 100}
	cfg.Profiles["Redis Cache"] = Profile{LatencyMS: 2, SuccessPct: 93.7}
	f := New(cfg)
	th := cfg.Thresholds
	for i := range 1000 {
		tel := fetch(t, f, "prometheus")
		for _, db := range tel.Databases {
			if db.Name == "picture" && th.PoolStatus(db) != backend.StatusDown {
				t.Fatalf("step %d: picture pool %v/%v is %v, want down", i, db.Connections.V, db.MaxConnections.V, th.PoolStatus(db))
			}
		}
		if m := tel.Metrics["picture-backend"]; backend.Level(m.MemPct, th.MemoryPct) != backend.StatusDown {
			t.Fatalf("step %d: picture-backend memory %v%% is not down", i, m.MemPct.V)
		}
		for _, d := range tel.Dependencies {
			if d.Name == "Redis Cache" && th.DependencyStatus(d) != backend.StatusDown {
				t.Fatalf("step %d: Redis at %v%% is %v, want down", i, d.SuccessPct.V, th.DependencyStatus(d))
			}
		}
		critical := false
		for _, a := range tel.Alerts {
			critical = critical || a.Name == "HighMemoryUsage" && a.Service == "picture-backend" && a.Severity == backend.SeverityCritical
		}
		if !critical {
			t.Fatalf("step %d: no critical memory alert for picture-backend: %+v", i, tel.Alerts)
		}
		c.add(7 * time.Second)
	}
}

func TestSinceStable(t *testing.T) {
	f, c := seedFleet(1)
	first := fetch(t, f, "prometheus").Alerts
	for _, a := range first {
		if age := testNow.Sub(a.Since); age < 2*time.Minute || age > 6*time.Minute {
			t.Errorf("%s since %v before the first fetch, want 2–6 min", a.Name, age)
		}
	}
	for range 5 {
		c.add(17 * time.Second)
		again := fetch(t, f, "prometheus").Alerts
		for i := range first {
			if !again[i].Since.Equal(first[i].Since) {
				t.Fatalf("%s since moved from %v to %v", first[i].Name, first[i].Since, again[i].Since)
			}
		}
	}
}

func TestRememberAppearAndClear(t *testing.T) {
	f := New(Config{Seed: 1})
	a := func(name string) backend.Alert { return backend.Alert{Name: name, Service: "svc"} }
	t0 := testNow
	got := []backend.Alert{a("A")}
	f.remember(t0, got)
	since := got[0].Since
	if age := t0.Sub(since); age < 2*time.Minute || age > 6*time.Minute {
		t.Fatalf("first evaluation backdated by %v", age)
	}
	got = []backend.Alert{a("A"), a("B")}
	f.remember(t0.Add(time.Minute), got)
	if !got[0].Since.Equal(since) || !got[1].Since.Equal(t0.Add(time.Minute)) {
		t.Fatalf("kept %v (want %v), new %v", got[0].Since, since, got[1].Since)
	}
	f.remember(t0.Add(2*time.Minute), nil) // both cleared
	got = []backend.Alert{a("A")}
	f.remember(t0.Add(3*time.Minute), got)
	if !got[0].Since.Equal(t0.Add(3 * time.Minute)) {
		t.Fatalf("a cleared alert kept its old since %v", got[0].Since)
	}
}

func TestSortAlerts(t *testing.T) {
	at := func(m int) time.Time { return testNow.Add(time.Duration(m) * time.Minute) }
	as := []backend.Alert{
		{Name: "i", Severity: backend.SeverityInfo, State: backend.AlertFiring, Since: at(0)},
		{Name: "p", Severity: backend.SeverityCritical, State: backend.AlertPending, Since: at(0)},
		{Name: "w-old", Severity: backend.SeverityWarning, State: backend.AlertFiring, Since: at(0)},
		{Name: "c", Severity: backend.SeverityCritical, State: backend.AlertFiring, Since: at(0)},
		{Name: "w-new", Severity: backend.SeverityWarning, State: backend.AlertFiring, Since: at(1)},
	}
	backend.SortAlerts(as)
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	if want := []string{"c", "w-new", "w-old", "i", "p"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("order %v, want %v", names, want)
	}
}

func TestHistory(t *testing.T) {
	c := &clock{t: testNow}
	f := New(seedConfig(1, c.now))
	p := fetch(t, f, "prometheus")
	h, m := p.P95History["chat-backend"], p.Metrics["chat-backend"]
	if len(h.Points) != 61 || h.Step != time.Minute || !h.Start.Equal(time.Date(2026, 11, 26, 11, 34, 0, 0, time.UTC)) {
		t.Fatalf("history start %v step %v len %d", h.Start, h.Step, len(h.Points))
	}
	if h.Last() != m.P95MS {
		t.Fatalf("history ends at %v, p95 is %v", h.Last(), m.P95MS)
	}
	// Each point is the figure a fetch at that minute showed.
	c.set(h.Start.Add(7 * time.Minute))
	if then := fetch(t, f, "prometheus").Metrics["chat-backend"].P95MS; then != h.Points[7] {
		t.Fatalf("point 7 is %v, a fetch then showed %v", h.Points[7], then)
	}
	for i, v := range h.Points {
		if !near(v, 480, 480*0.07) {
			t.Fatalf("point %d = %v", i, v)
		}
	}
}

var tagRE = regexp.MustCompile(`^v1\.\d+\.\d+$`)

func TestInventory(t *testing.T) {
	f, c := seedFleet(1)
	inv := fetch(t, f, "docker")
	if len(inv.Services) != 15 {
		t.Fatalf("%d services", len(inv.Services))
	}
	for _, s := range inv.Services {
		want := 1
		if s.Component == backend.ComponentBackend {
			want = 2
		}
		if len(s.Containers) != want || s.Host != "prod-1" {
			t.Fatalf("%s: %d containers on %q", s.Name, len(s.Containers), s.Host)
		}
		if age := testNow.Sub(s.LastDeploy); age < 0 || age > 7*24*time.Hour {
			t.Errorf("%s deployed %v ago", s.Name, age)
		}
		for i, ct := range s.Containers {
			health := backend.HealthHealthy
			if s.Component == backend.ComponentLanding {
				health = backend.HealthNone
			}
			if ct.Name != s.Name+"-"+string(rune('1'+i)) || ct.Image != "manacore/"+s.Name+":"+ct.Version ||
				!tagRE.MatchString(ct.Version) || ct.State != backend.StateRunning || ct.Health != health ||
				len(ct.ID) != 12 || ct.StartedAt.After(testNow) || ct.StartedAt.Before(s.LastDeploy.Add(-time.Minute)) {
				t.Errorf("%s: container %+v", s.Name, ct)
			}
		}
	}
	// Consecutive polls see the same containers; only the clock moved.
	c.add(2 * time.Second)
	if again := fetch(t, f, "docker"); !reflect.DeepEqual(again, inv) {
		t.Error("inventory changed between consecutive polls")
	}
}

// TestRedeploy walks a service through its next deploy: a new start, a
// new container ID and the next version, replica 2 following replica 1.
func TestRedeploy(t *testing.T) {
	f, c := seedFleet(1)
	s := &f.services[1] // chat-backend, two replicas
	k, start := s.epoch(0, testNow.Unix())
	next := time.Unix(start+s.period, 0).UTC()
	c.set(next.Add(time.Second))
	cs := s.containers(c.now(), ops{})
	if !cs[0].StartedAt.Equal(next) || cs[0].Version != s.tag(k+1) {
		t.Fatalf("replica 1 after deploy: %+v", cs[0])
	}
	if cs[1].Version != s.tag(k) {
		t.Fatalf("replica 2 should still run %s during the rollout: %+v", s.tag(k), cs[1])
	}
	c.set(next.Add(time.Minute))
	cs = s.containers(c.now(), ops{})
	if cs[1].Version != s.tag(k+1) || !cs[1].StartedAt.After(next) {
		t.Fatalf("replica 2 after the rollout: %+v", cs[1])
	}
	if !s.lastDeploy(c.now()).Equal(next) {
		t.Fatalf("last deploy %v, want %v", s.lastDeploy(c.now()), next)
	}
}

func TestDownService(t *testing.T) {
	cfg := seedConfig(1, func() time.Time { return testNow })
	cfg.Profiles["uload-web"] = Profile{Down: true}
	cfg.Profiles["uload-landing"] = Profile{Down: true}
	f := New(cfg)
	inv, tel := fetch(t, f, "docker"), fetch(t, f, "prometheus")
	for _, s := range inv.Services {
		switch s.Name {
		case "uload-web", "uload-landing":
			health := backend.HealthUnhealthy
			if s.Name == "uload-landing" {
				health = backend.HealthNone
			}
			ct := s.Containers[0]
			if ct.State != backend.StateExited || ct.Health != health || ct.Restarts == 0 {
				t.Errorf("%s: crashed container %+v", s.Name, ct)
			}
			if _, ok := tel.Metrics[s.Name]; ok {
				t.Errorf("%s: a dead target has metrics", s.Name)
			}
			if u := tel.Uptime[s.Name]; !u.Valid || u.V >= 99.5 {
				t.Errorf("%s: uptime %v", s.Name, u)
			}
		}
	}
	if len(tel.Alerts) != 4 || tel.Alerts[0].Name != "ServiceDown" || tel.Alerts[0].Severity != backend.SeverityCritical ||
		tel.Alerts[1].Name != "ServiceDown" || tel.Alerts[1].Summary != "Service Down (0/1 containers running)" {
		t.Fatalf("alerts %+v", tel.Alerts)
	}
}

func TestErrorAndLatencyAlerts(t *testing.T) {
	svcs := []backend.Service{
		{Name: "warn", Component: backend.ComponentBackend},
		{Name: "crit", Component: backend.ComponentBackend},
		{Name: "slow", Component: backend.ComponentWeb},
	}
	c := &clock{t: testNow}
	f := New(Config{Seed: 3, Clock: c.now, Services: svcs, Thresholds: backend.DefaultThresholds(), Profiles: map[string]Profile{
		"warn": {ErrorRatePct: 1.4},
		"crit": {ErrorRatePct: 3},
		"slow": {P95MS: 620},
	}})
	summary := regexp.MustCompile(`^High Error Rate \(\d+\.\d% > 1%\)$`)
	slow := regexp.MustCompile(`^Slow Responses \(p95 \d+ms > 500ms\)$`)
	for range 50 {
		as := fetch(t, f, "prometheus").Alerts
		if len(as) != 3 {
			t.Fatalf("at %v: %+v", c.now(), as)
		}
		if as[0].Service != "crit" || as[0].Severity != backend.SeverityCritical || !summary.MatchString(as[0].Summary) {
			t.Fatalf("critical %+v", as[0])
		}
		for _, a := range as[1:] {
			if a.Severity != backend.SeverityWarning {
				t.Fatalf("warning %+v", a)
			}
			if ok := map[string]*regexp.Regexp{"warn": summary, "slow": slow}[a.Service].MatchString(a.Summary); !ok {
				t.Fatalf("summary %q", a.Summary)
			}
		}
		c.add(13 * time.Minute)
	}
}

func TestDatabasesAndDependencies(t *testing.T) {
	f, c := seedFleet(1)
	for range 200 {
		p := fetch(t, f, "prometheus")
		for _, db := range p.Databases {
			n, max := db.Connections.V, db.MaxConnections.V
			if !db.Up || n != math.Round(n) || n > max || n < 0 || max != 10 {
				t.Fatalf("%s: %+v", db.Name, db)
			}
		}
		if chat := p.Databases[0]; chat.Connections.V > 8 || !near(chat.AvgQueryMS, 45, 45*0.13) || !near(chat.CacheHitPct, 98.5, 0.31) {
			t.Fatalf("chat pool crossed its threshold or strayed: %+v", chat)
		}
		if mc := p.Databases[2]; mc.SlowQueries.V != 0 {
			t.Fatalf("manacore's zero slow queries moved: %+v", mc)
		}
		for _, d := range p.Dependencies {
			age := c.now().Sub(d.CheckedAt)
			if !d.Up || d.SuccessPct.V > 100 || age < 0 || age >= 10*time.Second {
				t.Fatalf("%s at %v: %+v", d.Name, c.now(), d)
			}
		}
		if az := p.Dependencies[0]; !near(az.LatencyMS, 850, 850*0.19) || !near(az.SuccessPct, 99.9, 0.1) {
			t.Fatalf("Azure OpenAI strays: %+v", az)
		}
		c.add(3*time.Minute + 7*time.Second)
	}
}

func TestFail(t *testing.T) {
	f, _ := seedFleet(1)
	refused := errors.New("connection refused")
	f.Fail("prometheus", refused)
	if _, err := sourceOf(t, f, "prometheus").Fetch(context.Background()); !errors.Is(err, refused) {
		t.Fatalf("failed source returned %v", err)
	}
	fetch(t, f, "docker") // the other source stays live
	f.Fail("prometheus", nil)
	fetch(t, f, "prometheus")
}

func TestDelay(t *testing.T) {
	f, _ := seedFleet(1)
	f.Delay("docker", time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := sourceOf(t, f, "docker").Fetch(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("delayed fetch returned %v after %v", err, time.Since(start))
	}
	fetch(t, f, "prometheus") // not delayed

	f.Delay("docker", 30*time.Millisecond)
	start = time.Now()
	fetch(t, f, "docker")
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("fetch did not wait its delay")
	}
	f.Delay("docker", 0)
	if _, err := sourceOf(t, f, "docker").Fetch(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("fetch with an ended context returned %v", err)
	}
}

func TestConcurrentFetch(t *testing.T) {
	f := New(seedConfig(1, nil)) // the real clock
	var wg sync.WaitGroup
	for _, src := range f.Sources() {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					p, err := src.Fetch(context.Background())
					if err == nil && src.Name() == "prometheus" && len(p.Alerts) != 2 {
						t.Errorf("%d alerts", len(p.Alerts))
					}
				}
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			f.Fail("prometheus", map[bool]error{true: errors.New("flaky")}[i%2 == 0])
			f.Delay("docker", time.Duration(i%3)*time.Millisecond)
		}
	}()
	wg.Wait()
}

func TestGenerate(t *testing.T) {
	svcs := Generate(100, 5)
	if len(svcs) != 300 {
		t.Fatalf("%d services", len(svcs))
	}
	names, hosts, comps := map[string]bool{}, map[string]int{}, map[backend.Component]int{}
	for _, s := range svcs {
		if names[s.Name] {
			t.Fatalf("duplicate %s", s.Name)
		}
		names[s.Name] = true
		hosts[s.Host]++
		comps[s.Component]++
	}
	if !names["proj-017-backend"] || hosts["host-03"] != 60 || len(hosts) != 5 || comps[backend.ComponentLanding] != 100 {
		t.Fatalf("hosts %v components %v", hosts, comps)
	}
	if len(Generate(0, 5)) != 0 || len(Generate(2, 0)) != 6 {
		t.Fatal("edge sizes")
	}
}

func TestKeepSide(t *testing.T) {
	cases := []struct{ v, level, limit, lo, hi float64 }{
		{90, 85, 80, 90, 90},      // moving away: untouched
		{70, 85, 80, 80, 85},      // would cross down: squeezed above
		{520, 490, 500, 490, 500}, // would cross up: squeezed below
		{480, 490, 500, 480, 480}, // moving away: untouched
		{81, 80, 80, 80, 80},      // at the limit is not over it
		{1e9, 490, 500, 499, 500}, // far excursion stays inside
		{-1e9, 85, 80, 80, 85},    // and on the other side
		{42, 10, 0, 42, 42},       // unset limit
	}
	for _, c := range cases {
		got := keepSide(c.v, c.level, c.limit)
		if got < c.lo || got > c.hi || (c.level > c.limit && c.limit > 0 && got <= c.limit) {
			t.Errorf("keepSide(%v, %v, %v) = %v", c.v, c.level, c.limit, got)
		}
	}
}

// BenchmarkFetch is one poll of each source over a ~1,000-service fleet.
func BenchmarkFetch(b *testing.B) {
	for _, name := range []string{"docker", "prometheus"} {
		b.Run(name, func(b *testing.B) {
			c := &clock{t: testNow}
			f := New(Config{Seed: 1, Clock: c.now, Services: Generate(1000/3, 10), Thresholds: backend.DefaultThresholds()})
			src := sourceOf(b, f, name)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := src.Fetch(ctx); err != nil {
					b.Fatal(err)
				}
				c.add(2 * time.Second)
			}
		})
	}
}

func TestCheckAllIsSimulated(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f := New(Config{Seed: 1, Clock: func() time.Time { return now }, Services: []backend.Service{
		{Project: "chat", Component: backend.ComponentBackend, Name: "chat-backend", HealthURL: "https://api-chat.example/api/health"},
		{Project: "chat", Component: backend.ComponentWeb, Name: "chat-web"},
		{Project: "picture", Component: backend.ComponentBackend, Name: "picture-backend", HealthURL: "https://api-picture.example/api/health"},
	}, Profiles: map[string]Profile{"picture-backend": {Down: true}}})
	res := f.CheckAll(context.Background())
	if len(res) != 2 {
		t.Fatalf("only services with a health URL are checked: %+v", res)
	}
	if !res[0].OK || res[0].Code != 200 || res[0].Latency < 20*time.Millisecond || res[0].Latency > 80*time.Millisecond {
		t.Fatalf("healthy: %+v", res[0])
	}
	if res[1].OK || res[1].Code != 503 {
		t.Fatalf("down service must fail its check: %+v", res[1])
	}
	if again := f.CheckAll(context.Background()); again[0].Latency != res[0].Latency {
		t.Fatal("same clock, same answer")
	}
}

// The history's minute grid is kept between fetches (historyGrid): a
// fleet fetched again and again, within a minute, across minute turns and
// back in time, gives the history a fresh fleet computes at each moment.
func TestHistoryGridKeptBetweenFetches(t *testing.T) {
	c := &clock{t: testNow}
	kept := New(seedConfig(1, c.now))
	for _, d := range []time.Duration{0, 2 * time.Second, 59 * time.Second, 61 * time.Second, 3 * time.Minute, -time.Hour, 0} {
		c.set(testNow.Add(d))
		got := fetch(t, kept, "prometheus").P95History
		want := fetch(t, New(seedConfig(1, c.now)), "prometheus").P95History
		if len(got) == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("at %v: kept grid gives another history than a fresh fleet", c.now())
		}
	}
}
