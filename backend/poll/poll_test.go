package poll

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// fakeSource is a controllable source: it can fail, be slow, and counts
// concurrent fetches to prove the poller never overlaps them.
type fakeSource struct {
	name  string
	feeds []backend.Feed
	part  backend.Partial

	mu       sync.Mutex
	err      error
	delay    time.Duration
	calls    atomic.Int32
	inFlight atomic.Int32
	maxIn    atomic.Int32
}

func (f *fakeSource) Name() string          { return f.name }
func (f *fakeSource) Kind() string          { return "fake" }
func (f *fakeSource) Feeds() []backend.Feed { return f.feeds }

func (f *fakeSource) set(err error, delay time.Duration) {
	f.mu.Lock()
	f.err, f.delay = err, delay
	f.mu.Unlock()
}

func (f *fakeSource) Fetch(ctx context.Context) (backend.Partial, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	f.calls.Add(1)
	f.mu.Lock()
	err, delay, part := f.err, f.delay, f.part
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return backend.Partial{}, ctx.Err()
		}
	}
	var inc *backend.IncompleteError
	if errors.As(err, &inc) {
		return part, err
	}
	if err != nil {
		return backend.Partial{}, err
	}
	return part, nil
}

func (f *fakeSource) setCaveats(cv ...backend.Caveat) {
	f.mu.Lock()
	f.part.Caveats = cv
	f.mu.Unlock()
}

func inventorySource() *fakeSource {
	return &fakeSource{
		name:  "docker",
		feeds: []backend.Feed{backend.FeedInventory},
		part: backend.Partial{Services: []backend.Service{{
			Project: "chat", Component: backend.ComponentBackend, Name: "chat-backend",
			Containers: []backend.Container{{Name: "chat-backend-1", State: backend.StateRunning, Health: backend.HealthHealthy}},
		}}},
	}
}

func metricsSource() *fakeSource {
	return &fakeSource{
		name:  "prometheus",
		feeds: []backend.Feed{backend.FeedMetrics, backend.FeedAlerts},
		part: backend.Partial{
			Metrics: map[string]backend.Metrics{"chat-backend": {RPS: backend.Some(120)}},
			Alerts:  []backend.Alert{{Name: "SlowQuery", Service: "chat-backend"}},
		},
	}
}

// waitFor polls the subscription until cond holds or the deadline passes.
func waitFor(t *testing.T, ch <-chan backend.Snapshot, what string, cond func(backend.Snapshot) bool) backend.Snapshot {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case s := <-ch:
			if cond(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func start(t *testing.T, cfg Config) (*Poller, <-chan backend.Snapshot) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := New(cfg)
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	return p, p.Subscribe(ctx)
}

func TestFirstSnapshotDoesNotWaitForSources(t *testing.T) {
	slow := inventorySource()
	slow.set(nil, time.Hour)
	_, ch := start(t, Config{
		Services: []backend.Service{{Project: "chat", Name: "chat-backend"}},
		Jobs:     []Job{{Source: slow, Interval: time.Hour, Timeout: time.Hour}},
	})
	select {
	case s := <-ch:
		if len(s.Services) != 1 || len(s.Services[0].Containers) != 0 {
			t.Fatalf("first snapshot should hold the configured skeleton only: %+v", s.Services)
		}
		if st := s.Feed(backend.FeedInventory); !st.Pending {
			t.Fatalf("inventory should be pending before the first answer: %+v", st)
		}
	case <-time.After(time.Second):
		t.Fatal("no snapshot delivered at subscribe")
	}
}

func TestMergesSourcesIntoOneSnapshot(t *testing.T) {
	_, ch := start(t, Config{
		Environment: "prod",
		Jobs: []Job{
			{Source: inventorySource(), Interval: time.Hour},
			{Source: metricsSource(), Interval: time.Hour},
		},
	})
	s := waitFor(t, ch, "both sources", func(s backend.Snapshot) bool {
		return s.Sources[0].OK && s.Sources[1].OK
	})
	svc, ok := s.Service("chat-backend")
	if !ok || svc.Metrics.RPS != backend.Some(120) || len(svc.Containers) != 1 {
		t.Fatalf("service not merged from both sources: %+v", svc)
	}
	if len(s.Alerts) != 1 || s.Environment != "prod" {
		t.Fatalf("alerts or environment missing: %+v", s)
	}
}

func TestFailingSourceIsIsolatedAndRecovers(t *testing.T) {
	inv, met := inventorySource(), metricsSource()
	_, ch := start(t, Config{
		MaxBackoff: 20 * time.Millisecond,
		Jobs: []Job{
			{Source: inv, Interval: 10 * time.Millisecond},
			{Source: met, Interval: 10 * time.Millisecond},
		},
	})
	waitFor(t, ch, "healthy start", func(s backend.Snapshot) bool { return s.Sources[1].OK })

	met.set(errors.New("connection refused"), 0)
	s := waitFor(t, ch, "metrics failure", func(s backend.Snapshot) bool { return !s.Sources[1].OK })
	if got := s.Feed(backend.FeedMetrics); !got.Stale || got.Err != "prometheus: connection refused" {
		t.Fatalf("metrics feed should be stale with the error: %+v", got)
	}
	if got := s.Feed(backend.FeedInventory); got.Stale || got.Err != "" {
		t.Fatalf("inventory must stay live while metrics fail: %+v", got)
	}
	if svc, _ := s.Service("chat-backend"); svc.Metrics.RPS != backend.Some(120) {
		t.Fatalf("last good metrics must be kept while stale: %+v", svc.Metrics)
	}

	met.set(nil, 0)
	waitFor(t, ch, "recovery", func(s backend.Snapshot) bool {
		f := s.Feed(backend.FeedMetrics)
		return !f.Stale && f.Err == ""
	})
}

func TestSlowSourceTimesOutWithoutBlockingOthers(t *testing.T) {
	inv, met := inventorySource(), metricsSource()
	met.set(nil, time.Hour)
	_, ch := start(t, Config{Jobs: []Job{
		{Source: inv, Interval: 10 * time.Millisecond},
		{Source: met, Interval: time.Hour, Timeout: 30 * time.Millisecond},
	}})
	// The fast source keeps delivering while the slow one is stuck.
	waitFor(t, ch, "inventory fetched repeatedly", func(backend.Snapshot) bool { return inv.calls.Load() >= 3 })
	s := waitFor(t, ch, "timeout", func(s backend.Snapshot) bool { return s.Sources[1].Err != "" })
	if want := "timed out: context deadline exceeded"; s.Sources[1].Err != want {
		t.Fatalf("err = %q, want %q", s.Sources[1].Err, want)
	}
}

func TestNoOverlappingFetchesAndRefresh(t *testing.T) {
	src := inventorySource()
	src.set(nil, 5*time.Millisecond)
	p, ch := start(t, Config{Jobs: []Job{{Source: src, Interval: time.Hour}}})
	waitFor(t, ch, "first fetch", func(s backend.Snapshot) bool { return s.Sources[0].OK })
	before := src.calls.Load()
	for range 50 {
		p.Refresh()
		time.Sleep(time.Millisecond)
	}
	waitFor(t, ch, "refreshes", func(backend.Snapshot) bool { return src.calls.Load() > before })
	if m := src.maxIn.Load(); m != 1 {
		t.Fatalf("fetches overlapped: %d at once", m)
	}
	// 50 refresh requests over ~50ms with 5ms fetches: far fewer fetches
	// than requests, because a busy source is not asked again.
	if n := src.calls.Load() - before; n >= 50 {
		t.Fatalf("%d fetches for 50 refreshes: busy sources must not queue requests", n)
	}
}

func TestBackoffDoublesUpToCap(t *testing.T) {
	p := New(Config{MaxBackoff: 10 * time.Second})
	j := &job{Job: Job{Interval: 2 * time.Second}}
	want := []time.Duration{2, 4, 8, 10, 10}
	for fails, w := range want {
		j.fails = fails
		if got := p.backoff(j); got != w*time.Second {
			t.Errorf("fails=%d: backoff %v, want %v", fails, got, w*time.Second)
		}
	}
	j.Interval = time.Minute // an interval above the cap is never shortened
	j.fails = 3
	if got := p.backoff(j); got != time.Minute {
		t.Errorf("backoff %v, want 1m", got)
	}
}

func TestSubscriptionIsLatestWinsAndClosesWithContext(t *testing.T) {
	src := inventorySource()
	p := New(Config{Jobs: []Job{{Source: src, Interval: time.Hour}}})
	ctx, cancel := context.WithCancel(context.Background())
	ch := p.Subscribe(ctx)
	for range 3 {
		p.Once(context.Background()) // publishes without anyone reading
	}
	s := <-ch
	if !s.Sources[0].OK {
		t.Fatal("the buffered snapshot should be the newest one")
	}
	select {
	case <-ch:
		t.Fatal("only one snapshot may be buffered")
	default:
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("channel delivered after cancel instead of closing")
		}
	case <-time.After(time.Second):
		t.Fatal("channel not closed after cancel")
	}
}

func TestIncompleteFetchKeepsWhatArrived(t *testing.T) {
	met := metricsSource()
	met.set(&backend.IncompleteError{Err: errors.New("p95: bad_data")}, 0)
	_, ch := start(t, Config{Jobs: []Job{{Source: met, Interval: time.Hour}}})
	s := waitFor(t, ch, "incomplete fetch", func(s backend.Snapshot) bool { return s.Sources[0].Err != "" })
	if s.Sources[0].Err != "p95: bad_data" || s.Sources[0].UpdatedAt.IsZero() {
		t.Fatalf("status %+v", s.Sources[0])
	}
	if len(s.Alerts) != 1 {
		t.Fatal("the figures that arrived must be kept")
	}
}

// What a source said of its answer is on its status while it says it,
// and gone with the first answer that says nothing.
func TestCaveatsFollowTheLastAnswer(t *testing.T) {
	met := metricsSource()
	met.setCaveats(backend.Caveat{Feed: backend.FeedMetrics, Text: "remote_read: down"})
	p, ch := start(t, Config{Jobs: []Job{{Source: met, Interval: time.Hour}}})
	waitFor(t, ch, "the caveat", func(s backend.Snapshot) bool {
		return len(s.Sources[0].Caveats) == 1 && s.Sources[0].Caveats[0].Text == "remote_read: down"
	})
	met.setCaveats()
	p.Refresh()
	waitFor(t, ch, "the caveat cleared", func(s backend.Snapshot) bool { return len(s.Sources[0].Caveats) == 0 })
}
