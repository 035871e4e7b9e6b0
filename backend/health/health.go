// Package health runs HTTP health checks: the seed's Quick Reference URLs
// and health-check-all.sh, concurrently, each with a timeout, for the
// console's check screen and `opsdeck check`.
package health

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/neterr"
)

// Checker checks a fixed list of targets.
type Checker struct {
	Targets     []backend.CheckTarget
	Timeout     time.Duration // per check; default 5s
	Concurrency int           // default 8
	Client      *http.Client  // default: no redirects followed, no keep-alive reuse across runs
	Now         func() time.Time
}

// CheckAll implements backend.HealthChecker: every target once, at most
// Concurrency at a time; results in target order.
func (c *Checker) CheckAll(ctx context.Context) []backend.CheckResult {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	conc := c.Concurrency
	if conc <= 0 {
		conc = 8
	}
	client := c.Client
	if client == nil {
		client = &http.Client{
			// A redirect is an answer: report it rather than follow it to
			// a login page that says 200.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	out := make([]backend.CheckResult, len(c.Targets))
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, t := range c.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				out[i] = backend.CheckResult{Target: t, Err: neterr.Describe(ctx.Err()), At: now()}
				return
			}
			out[i] = check(ctx, client, t, timeout, now)
		}()
	}
	wg.Wait()
	return out
}

// CheckTargets implements backend.TargetChecker: the given targets, once,
// with this checker's timeout, concurrency and client.
func (c *Checker) CheckTargets(ctx context.Context, targets []backend.CheckTarget) []backend.CheckResult {
	cc := *c
	cc.Targets = targets
	return cc.CheckAll(ctx)
}

func check(ctx context.Context, client *http.Client, t backend.CheckTarget, timeout time.Duration, now func() time.Time) backend.CheckResult {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r := backend.CheckResult{Target: t, At: now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	req.Header.Set("User-Agent", "opsdeck-health-check")
	start := time.Now()
	resp, err := client.Do(req)
	r.Latency = time.Since(start)
	if err != nil {
		r.Err = neterr.Describe(err)
		return r
	}
	resp.Body.Close()
	r.Code = resp.StatusCode
	r.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	return r
}
