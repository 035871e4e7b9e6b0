// Package poll runs every source on its own interval, off the UI goroutine,
// and merges their results into immutable backend.Snapshots.
//
// Each source has one goroutine, so a fetch is re-armed only after the
// previous one has returned (no overlapping fetches of one source), every
// fetch is bounded by the source's timeout, and a failing source backs off
// exponentially without holding up the others. Subscribers get the newest
// snapshot on a one-slot channel: snapshots are latest-wins, an old one is
// never worth delivering.
package poll

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Job is a source with its schedule.
type Job struct {
	Source   backend.Source
	Interval time.Duration // time between fetches when healthy
	Timeout  time.Duration // bound on one fetch
	Warning  string        // SourceStatus.Warning, e.g. "insecure"
}

// Config describes the fleet the poller serves.
type Config struct {
	Environment string
	Demo        bool
	Thresholds  backend.Thresholds
	Services    []backend.Service // configured skeleton, see backend.Merge
	Jobs        []Job
	Clock       func() time.Time // nil means time.Now
	// MaxBackoff caps the wait after repeated failures; zero means
	// max(interval, 15s), so a source that comes back is noticed soon.
	MaxBackoff time.Duration
	// Log gets every fetch with its timing (debug), a source that starts
	// failing (warn) and one that recovers (info); nil: nothing is logged.
	Log *slog.Logger
}

// Poller implements backend.Hub.
type Poller struct {
	cfg   Config
	clock func() time.Time
	jobs  []*job

	mu      sync.Mutex
	subs    map[chan backend.Snapshot]struct{}
	current backend.Snapshot
	dirty   bool // a partial changed since current's data was merged
}

type job struct {
	Job
	kick     chan struct{} // one slot: a refresh request
	fetching atomic.Bool

	// guarded by Poller.mu
	status  backend.SourceStatus
	partial backend.Partial
	fails   int
}

// New prepares a poller; nothing runs until Run.
func New(cfg Config) *Poller {
	p := &Poller{cfg: cfg, clock: cfg.Clock, subs: map[chan backend.Snapshot]struct{}{}}
	if p.clock == nil {
		p.clock = time.Now
	}
	for _, j := range cfg.Jobs {
		if j.Interval <= 0 {
			j.Interval = 2 * time.Second
		}
		if j.Timeout <= 0 || j.Timeout > j.Interval {
			j.Timeout = j.Interval
		}
		p.jobs = append(p.jobs, &job{
			Job:  j,
			kick: make(chan struct{}, 1),
			status: backend.SourceStatus{
				Name:     j.Source.Name(),
				Kind:     j.Source.Kind(),
				Feeds:    j.Source.Feeds(),
				Interval: j.Interval,
				Warning:  j.Warning,
			},
		})
	}
	p.dirty = true
	p.current = p.buildLocked()
	return p
}

// Run polls until ctx ends. It returns when every source goroutine has
// stopped.
func (p *Poller) Run(ctx context.Context) {
	p.eachJob(func(j *job) { p.loop(ctx, j) })
}

// Once fetches every source a single time, concurrently, and returns the
// resulting snapshot. It is for one-shot commands and tests.
func (p *Poller) Once(ctx context.Context) backend.Snapshot {
	p.eachJob(func(j *job) { p.fetch(ctx, j) })
	return p.Snapshot()
}

// eachJob runs f for every source in its own goroutine and waits for all:
// one source never waits for another.
func (p *Poller) eachJob(f func(*job)) {
	var wg sync.WaitGroup
	for _, j := range p.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(j)
		}()
	}
	wg.Wait()
}

// Snapshot returns the newest snapshot.
func (p *Poller) Snapshot() backend.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

// Subscribe implements backend.Hub. The channel holds the current snapshot
// at once, so the first frame never waits for a slow source.
func (p *Poller) Subscribe(ctx context.Context) <-chan backend.Snapshot {
	ch := make(chan backend.Snapshot, 1)
	p.mu.Lock()
	p.subs[ch] = struct{}{}
	ch <- p.current
	p.mu.Unlock()
	go func() {
		<-ctx.Done()
		p.mu.Lock()
		delete(p.subs, ch)
		close(ch)
		p.mu.Unlock()
	}()
	return ch
}

// Refresh implements backend.Hub: every idle source fetches now.
func (p *Poller) Refresh() {
	for _, j := range p.jobs {
		if j.fetching.Load() {
			continue
		}
		select {
		case j.kick <- struct{}{}:
		default:
		}
	}
}

func (p *Poller) loop(ctx context.Context, j *job) {
	for ctx.Err() == nil {
		wait := p.fetch(ctx, j)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-j.kick:
			t.Stop()
		}
	}
}

// fetch runs one bounded fetch, records it and publishes a new snapshot. It
// returns how long to wait before the next one.
func (p *Poller) fetch(ctx context.Context, j *job) time.Duration {
	j.fetching.Store(true)
	defer j.fetching.Store(false)
	// A refresh asked for while we were waiting is satisfied by this fetch.
	select {
	case <-j.kick:
	default:
	}
	fctx, cancel := context.WithTimeout(ctx, j.Timeout)
	start := time.Now()
	part, err := j.Source.Fetch(fctx)
	took := time.Since(start)
	cancel()
	if ctx.Err() != nil {
		return 0 // shutting down: do not record a cancellation as a failure
	}
	wait, fails, status := p.record(j, part, err, fctx)
	p.logFetch(took, fails, status)
	return wait
}

// failures are a source's failed fetches in a row, before and after one.
type failures struct{ before, after int }

// record stores one fetch's outcome and publishes the new snapshot; it
// returns the wait before the next fetch, the failures in a row and the
// source's status after it.
func (p *Poller) record(j *job, part backend.Partial, err error, fctx context.Context) (time.Duration, failures, backend.SourceStatus) {
	now := p.clock()
	p.mu.Lock()
	defer p.mu.Unlock()
	before := j.fails
	j.status.LastAttempt = now
	var incomplete *backend.IncompleteError
	if errors.As(err, &incomplete) {
		// Some figures arrived: keep them, and say what is missing.
		j.fails = 0
		p.keepLocked(j, part)
		j.status.Caveats = part.Caveats
		j.status.OK = false
		j.status.Err = err.Error()
		j.status.UpdatedAt = now
	} else if err != nil {
		// Keep the last good data: a stale figure marked stale is more use
		// at 3 a.m. than an empty panel.
		j.fails++
		j.status.OK = false
		j.status.Err = errText(err, fctx)
	} else {
		j.fails = 0
		p.keepLocked(j, part)
		j.status.Caveats = part.Caveats
		j.status.OK = true
		j.status.Err = ""
		j.status.UpdatedAt = now
	}
	p.current = p.buildLocked()
	p.publishLocked()
	return p.backoff(j), failures{before, j.fails}, j.status
}

// logFetch logs a fetch outside the poller's lock: every one at debug
// level (what --log-level debug shows), and at higher levels only the
// changes a person wants in the log: the first failure of a run of them
// and the recovery after.
func (p *Poller) logFetch(took time.Duration, fails failures, st backend.SourceStatus) {
	log := p.cfg.Log
	if log == nil {
		return
	}
	// Milliseconds, or microseconds for what is faster (the simulator).
	round := time.Millisecond
	if took < time.Millisecond {
		round = time.Microsecond
	}
	attrs := []any{"source", st.Name, "took", took.Round(round)}
	switch {
	case st.OK && fails.before > 0:
		log.Info("source recovered", append(attrs, "failures", fails.before)...)
	case st.OK:
		log.Debug("fetch", attrs...)
	case fails.after == 1:
		log.Warn("source failing", append(attrs, "err", st.Err)...)
	default:
		// Later failures of the run, and incomplete fetches (some figures
		// arrived): each is on the panel; the log keeps the first.
		log.Debug("fetch failed", append(attrs, "err", st.Err, "failures", fails.after)...)
	}
}

// keepLocked stores a job's new partial and notes whether it differs from
// the one before: most fetches of an idle fleet bring the same data, and
// then the snapshot keeps its data (and Rev) and nothing is re-merged.
func (p *Poller) keepLocked(j *job, part backend.Partial) {
	if !reflect.DeepEqual(part, j.partial) {
		j.partial = part
		p.dirty = true
	}
}

func errText(err error, ctx context.Context) string {
	if ctx.Err() == context.DeadlineExceeded {
		return "timed out: " + err.Error()
	}
	return err.Error()
}

// backoff doubles the interval for each consecutive failure, up to the cap.
func (p *Poller) backoff(j *job) time.Duration {
	capWait := p.cfg.MaxBackoff
	if capWait <= 0 {
		capWait = max(j.Interval, 15*time.Second)
	}
	wait := j.Interval
	for i := 0; i < j.fails && wait < capWait; i++ {
		wait *= 2
	}
	return min(wait, max(capWait, j.Interval))
}

func (p *Poller) publishLocked() {
	for ch := range p.subs {
		select {
		case <-ch: // drop the undelivered older snapshot
		default:
		}
		ch <- p.current
	}
}
