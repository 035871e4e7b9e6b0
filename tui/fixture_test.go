package tui

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/poll"
	"github.com/manacore/opsdeck/backend/sim"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/kit"
)

// testNow pins every clock in these tests: goldens must not depend on when
// they run.
var testNow = time.Date(2026, 11, 26, 12, 34, 56, 0, time.UTC)

func fixedClock() time.Time { return testNow }

// staticHub serves one snapshot, as a poller would right after a fetch.
type staticHub struct {
	snap      backend.Snapshot
	refreshes atomic.Int32
}

func (h *staticHub) Subscribe(ctx context.Context) <-chan backend.Snapshot {
	ch := make(chan backend.Snapshot, 1)
	ch <- h.snap
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}

func (h *staticHub) Refresh() { h.refreshes.Add(1) }

// demoSnapshot is the embedded demo fleet fetched once from the simulator
// at testNow; fail names sources to break, to show stale panels.
func demoSnapshot(t testing.TB, fail ...string) backend.Snapshot {
	t.Helper()
	_, snap := demoFleet(t, fail...)
	return snap
}

// demoFleet is the simulated demo fleet and its snapshot at testNow.
func demoFleet(t testing.TB, fail ...string) (*sim.Fleet, backend.Snapshot) {
	t.Helper()
	cfg := config.Default()
	fleet := sim.New(sim.Config{
		Seed:         cfg.Sources.Simulator.Seed,
		Clock:        fixedClock,
		Services:     cfg.Services(),
		Databases:    []string{"chat", "picture", "manacore"},
		Dependencies: []string{"Azure OpenAI", "Supabase (chat)", "Supabase (picture)", "Redis Cache"},
		Profiles:     cfg.Sources.Simulator.Profiles,
		Thresholds:   cfg.Thresholds,
	})
	for _, name := range fail {
		fleet.Fail(name, errString("connection refused"))
	}
	pc := poll.Config{Environment: cfg.Environment, Demo: true, Thresholds: cfg.Thresholds, Services: cfg.Services(), Clock: fixedClock}
	for _, src := range fleet.Sources() {
		pc.Jobs = append(pc.Jobs, poll.Job{Source: src, Interval: 2 * time.Second, Timeout: time.Second})
	}
	return fleet, poll.New(pc).Once(t.Context())
}

type errString string

func (e errString) Error() string { return string(e) }

// testOptions are the console's options on hub with a pinned clock and the
// fakes as its screens' backends.
func testOptions(hub backend.Hub, readOnly bool, logs backend.LogStreamer) Options {
	return Options{Hub: hub, Keys: keymap.Default(), Clock: fixedClock, ReadOnly: readOnly, NoTick: true,
		Deps: kit.Deps{Checker: fakeChecker{}, Logs: logs, Ranges: fakeRanges{}, Silences: fakeSilences{}, Databases: fakeDatabases{}}}
}

// fakeDatabases answers a database's detail as the demo does (the
// simulator at the pinned clock); a name the demo lacks (a hostile one)
// gets that name in every text the detail shows.
type fakeDatabases struct{}

func (fakeDatabases) Inspect(ctx context.Context, name string) (backend.DBInsight, error) {
	cfg := config.Default()
	f := sim.New(sim.Config{Seed: cfg.Sources.Simulator.Seed, Clock: fixedClock, Databases: []string{"chat", "picture", "manacore"},
		Profiles: cfg.Sources.Simulator.Profiles, Thresholds: cfg.Thresholds})
	if in, err := f.Inspect(ctx, name); err == nil {
		return in, nil
	}
	at := fixedClock()
	return backend.DBInsight{Database: name, Source: name, At: at, MaxConnections: 20,
		Statements: []backend.Statement{{Query: name, Calls: 3, MeanMS: 300, TotalMS: 900, Rows: 3}},
		Sessions: []backend.Session{{PID: 1, User: name, Application: name, Client: name, State: backend.SessionIdleInTx,
			WaitEvent: name, XactStart: at.Add(-time.Minute), Query: name}},
		ByState: []backend.Count{{Key: name, N: 1}}, ByApplication: []backend.Count{{Key: name, N: 1}}, ByClient: []backend.Count{{Key: name, N: 1}}}, nil
}

// newModel is the root model on snap with a pinned clock, in the test's
// context (cancelled when it ends, which ends the console's requests).
func newModel(t testing.TB, snap backend.Snapshot, readOnly bool) (*Model, *staticHub) {
	t.Helper()
	hub := &staticHub{snap: snap}
	return New(t.Context(), testOptions(hub, readOnly, &fakeLogs{})), hub
}

// console is the root model running in a real program on an emulated
// terminal. The test reads the model only after the program has ended
// (quit): until then it belongs to the program.
type console struct {
	*tuitest.Term
	hub  *staticHub
	logs *fakeLogs
}

// startUI starts m at w×h and waits for its first snapshot on screen.
func startUI(t *testing.T, m *Model, w, h int) *tuitest.Term {
	t.Helper()
	tt := tuitest.Start(t, m, w, h)
	if w >= MinWidth && h >= MinHeight {
		tt.WaitFor("refreshed ")
	}
	return tt
}

// startConsole is the demo console on snap, sized and showing it.
func startConsole(t *testing.T, snap backend.Snapshot, w, h int, readOnly bool) *console {
	t.Helper()
	hub, logs := &staticHub{snap: snap}, &fakeLogs{}
	m := New(t.Context(), testOptions(hub, readOnly, logs))
	return &console{Term: startUI(t, m, w, h), hub: hub, logs: logs}
}

// quit ends the program with q and returns the final root model.
func quit(tt *tuitest.Term) *Model { return tt.Quit().(*Model) }

// fakeChecker answers health checks at once: two pass, one fails.
type fakeChecker struct{}

func (fakeChecker) CheckAll(context.Context) []backend.CheckResult {
	return []backend.CheckResult{
		{Target: backend.CheckTarget{Name: "chat-backend", URL: "https://api-chat.manacore.app/api/health"}, Code: 200, Latency: 35 * time.Millisecond, OK: true, At: testNow},
		{Target: backend.CheckTarget{Name: "chat-web", URL: "https://app-chat.manacore.app/api/health"}, Code: 200, Latency: 42 * time.Millisecond, OK: true, At: testNow},
		{Target: backend.CheckTarget{Name: "picture-backend", URL: "https://api-picture.manacore.app/api/health"}, Code: 503, Latency: 12 * time.Millisecond, At: testNow},
	}
}

// fakeLogs writes a fixed tail of lines, then waits for the screen to
// close; closed counts the streams that ended because it did.
type fakeLogs struct{ closed atomic.Int32 }

// fakeLogLines is how many lines fakeLogs writes; the last one reads
// "INFO GET /api/items 200 21ms".
const fakeLogLines = 12

func (f *fakeLogs) StreamLogs(ctx context.Context, service string, tail int, out func(backend.LogLine)) error {
	for i := range fakeLogLines {
		l := backend.LogLine{Container: service + "-1", Stream: "stdout", At: testNow.Add(time.Duration(i-12) * time.Second),
			Text: fmt.Sprintf("INFO GET /api/items 200 %dms", 10+i)}
		if i%5 == 4 {
			l.Stream, l.Text = "stderr", "WARN slow query took 250ms"
		}
		out(l)
	}
	<-ctx.Done()
	f.closed.Add(1)
	return nil
}

// fakeRanges answers the chart with a day of p95: chat-backend's crosses
// the target in the afternoon, with a gap where the source had no
// samples; the demo's slowest services (the dashboard's chart) have
// curves of their own.
type fakeRanges struct{}

func (fakeRanges) P95Range(_ context.Context, start, end time.Time, step time.Duration) (map[string]backend.Series, []backend.Caveat, error) {
	n := int(end.Sub(start)/step) + 1
	curve := func(f func(x float64) float64, gap bool) backend.Series {
		pts := make([]backend.Value, n)
		for i := range pts {
			if gap && i >= 40 && i < 44 {
				continue // a gap
			}
			pts[i] = backend.Some(f(float64(i) / float64(n)))
		}
		return backend.Series{Start: start, Step: step, Points: pts}
	}
	return map[string]backend.Series{
		"chat-backend":           curve(func(x float64) float64 { return 300 + 250*math.Sin(x*math.Pi) }, true),
		"picture-backend":        curve(func(x float64) float64 { return 420 + 40*math.Cos(x*4*math.Pi) }, false),
		"maerchenzauber-backend": curve(func(x float64) float64 { return 150 + 120*x }, false),
		"picture-web":            curve(func(x float64) float64 { return 90 + 30*math.Sin(x*6*math.Pi) }, false),
	}, nil, nil
}

// fakeSilences lists one active and one expired silence.
type fakeSilences struct{}

func (fakeSilences) Silences(context.Context) ([]backend.Silence, error) {
	return []backend.Silence{
		{ID: "6f1c", Matchers: "alertname=HighMemoryUsage service=picture-backend", CreatedBy: "ana",
			Comment: "leak fix deploying", StartsAt: testNow.Add(-time.Hour), EndsAt: testNow.Add(time.Hour), State: "active"},
		{ID: "2b7e", Matchers: "alertname=SlowQuery", CreatedBy: "ben", Comment: "known",
			StartsAt: testNow.Add(-48 * time.Hour), EndsAt: testNow.Add(-24 * time.Hour), State: "expired"},
	}, nil
}
