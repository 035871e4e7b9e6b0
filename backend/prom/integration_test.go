//go:build integration

package prom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

// The test bed's data contract (scripts/testbed, scripts/fleetsvc).
var (
	tbServices  = []string{"chat-backend", "chat-web", "picture-backend"}
	tbDatabases = []string{"chat", "picture", "manacore"}
	tbDeps      = map[string]string{
		"chat-backend health":    "http://127.0.0.1:18081/api/health",
		"chat-web health":        "http://127.0.0.1:18082/api/health",
		"picture-backend health": "http://127.0.0.1:18083/api/health",
	}
	// Live traffic: every request of a service takes exactly this long.
	tbLatencyMS = map[string]float64{"chat-backend": 80, "chat-web": 40, "picture-backend": 400}
	tbRPS       = map[string]float64{"chat-backend": 20, "chat-web": 10, "picture-backend": 5}
	// Backfilled history: every observation at 0.2 s / 0.03 s / 0.7 s.
	tbBackfillP95MS = map[string]float64{"chat-backend": 242.5, "chat-web": 47.5, "picture-backend": 975}
	tbBuckets       = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5}
)

const backfillEnd = "OPSDECK_TB_BACKFILL_END"

// tbSource is a Source on the test bed's Prometheus (or on url, a proxy in
// front of it).
func tbSource(t *testing.T, promURL string, edit func(*Config)) *Source {
	t.Helper()
	u, err := url.Parse(promURL)
	if err != nil {
		t.Fatal(err)
	}
	testbed.Loopback(t, u.Host)
	cfg := Config{URL: promURL, ServiceLabel: "service", Services: tbServices, Databases: tbDatabases, Dependencies: tbDeps}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// expectedP95 is histogram_quantile(0.95) of a histogram whose every
// observation is at lat seconds: linear interpolation inside its bucket.
func expectedP95(lat float64) float64 {
	lo := 0.0
	for _, hi := range tbBuckets {
		if lat <= hi {
			return lo + (hi-lo)*0.95
		}
		lo = hi
	}
	return lo
}

// scrapedUpFor reports whether Prometheus scraped svc's fleet target up at
// every scrape of the last window (5 s interval, one scrape of slack) and
// its request counter never restarted in it (a container re-created between
// two scrapes leaves no gap in up), asked of Prometheus itself rather than
// guessed from when the bed came up.
func scrapedUpFor(t *testing.T, promURL, svc string, window time.Duration) bool {
	t.Helper()
	q := fmt.Sprintf(`count_over_time((up{job="fleet",service=%[1]q} == 1)[%[2]ds:]) and on() (sum(resets(http_requests_total{job="fleet",service=%[1]q}[%[2]ds])) == 0)`,
		svc, int(window.Seconds()))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, promURL+"/api/v1/query?query="+url.QueryEscape(q), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	if len(body.Data.Result) != 1 {
		return false
	}
	s, _ := body.Data.Result[0].Value[1].(string)
	n, err := strconv.ParseFloat(s, 64)
	// The subquery's default resolution is the evaluation interval (5 s).
	return err == nil && n >= window.Seconds()/5-1
}

func near(v backend.Value, want, tol float64) bool { return v.Valid && math.Abs(v.V-want) <= tol }

// fetchUntil fetches until ok accepts the result or the wait is over.
func fetchUntil(t *testing.T, s *Source, wait time.Duration, ok func(backend.Partial) bool) backend.Partial {
	t.Helper()
	var part backend.Partial
	testbed.Eventually(t, wait, "an acceptable answer", func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		part, err = s.Fetch(ctx)
		return err == nil && ok(part), fmt.Sprintf("error %v; data %+v", err, part)
	})
	return part
}

func TestIntegrationP95RangeMatchesBackfill(t *testing.T) {
	onEachBackend(t, testP95RangeMatchesBackfill)
}

func testP95RangeMatchesBackfill(t *testing.T, promURL string) {
	env := testbed.Need(t, backfillEnd)
	endSec, err := strconv.ParseInt(env[backfillEnd], 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", backfillEnd, env[backfillEnd], err)
	}
	s := tbSource(t, promURL, nil)
	// The last two hours of the backfill, well past its first 5 minutes
	// (rate needs two samples) and before the live data starts.
	end := time.Unix(endSec, 0)
	start := end.Add(-2 * time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, _, err := s.P95Range(ctx, start, end, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for svc, want := range tbBackfillP95MS {
		ser := got[svc]
		if len(ser.Points) != 121 || !ser.Start.Equal(start) || ser.Step != time.Minute {
			t.Fatalf("%s: start %s step %s points %d", svc, ser.Start, ser.Step, len(ser.Points))
		}
		for i, p := range ser.Points {
			if !near(p, want, 0.5) {
				t.Errorf("%s at %s: %+v ms, want %g ms", svc, start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), p, want)
				break
			}
		}
	}
	if len(got) != len(tbServices) {
		t.Errorf("series for %d services, want %d: %v", len(got), len(tbServices), got)
	}
}

func TestIntegrationLiveFigures(t *testing.T) {
	onEachBackend(t, testLiveFigures)
}

func testLiveFigures(t *testing.T, promURL string) {
	s := tbSource(t, promURL, nil)
	// A young test bed has no rate yet, and its first minute has no point
	// on the history's minute grid: wait for every figure. The error rate
	// is a ratio of two extrapolated rates over a window that may be only
	// partly filled, so it is waited for too rather than sampled once.
	part := fetchUntil(t, s, 90*time.Second, func(p backend.Partial) bool {
		for _, svc := range tbServices {
			m := p.Metrics[svc]
			if !m.RPS.Valid || !m.ErrorRatePct.Valid || !m.P95MS.Valid || !m.AvgLatencyMS.Valid || !p.P95History[svc].Last().Valid {
				return false
			}
		}
		return near(p.Metrics["picture-backend"].ErrorRatePct, 10, 1)
	})
	for _, svc := range tbServices {
		m := part.Metrics[svc]
		if want := 1000 * expectedP95(tbLatencyMS[svc]/1000); !near(m.P95MS, want, 0.5) {
			t.Errorf("%s p95 %+v ms, want %g (interpolated in its bucket)", svc, m.P95MS, want)
		}
		if !near(m.AvgLatencyMS, tbLatencyMS[svc], 0.5) {
			t.Errorf("%s avg latency %+v ms, want %g", svc, m.AvgLatencyMS, tbLatencyMS[svc])
		}
		// rate() over a 5m window that is not yet full reads low (the
		// increase is divided by the whole window), so an absolute check
		// holds only for a bed older than 5 minutes. The services started
		// together, so their ratios hold from the start.
		if ref := part.Metrics["chat-backend"].RPS; !m.RPS.Valid || m.RPS.V <= 0 || m.RPS.V > tbRPS[svc]*1.15 ||
			math.Abs(m.RPS.V/ref.V-tbRPS[svc]/tbRPS["chat-backend"]) > 0.15*tbRPS[svc]/tbRPS["chat-backend"] {
			t.Errorf("%s rps %+v (chat-backend %+v), want ≤ %g and in the ratio %g:%g", svc, m.RPS, ref, tbRPS[svc], tbRPS[svc], tbRPS["chat-backend"])
		}
		// The absolute figure holds only when the service's traffic ran
		// the whole window: a container restarted or recreated a few
		// minutes ago (a bed left up whose fleet was re-created) leaves a
		// gap in which no request was made, and rate() reads low for it.
		if steady := scrapedUpFor(t, promURL, svc, 7*time.Minute); !steady {
			t.Logf("%s: not scraped up for the last 7 minutes; its absolute rps (%+v) is not checked", svc, m.RPS)
		} else if !near(m.RPS, tbRPS[svc], 0.15*tbRPS[svc]) {
			t.Errorf("%s rps %+v, scraped up for the last 7 minutes, want %g ± 15%%", svc, m.RPS, tbRPS[svc])
		}
		if u := part.Uptime[svc]; !u.Valid || u.V <= 0 || u.V > 100 {
			t.Errorf("%s uptime %+v", svc, u)
		}
		// The last hour is all live traffic (the backfill ends 65m before
		// the bed started), so every point there is is the live p95.
		h := part.P95History[svc]
		if len(h.Points) != 61 || h.Step != time.Minute {
			t.Errorf("%s history: %d points, step %s", svc, len(h.Points), h.Step)
		}
		for i, p := range h.Points {
			if want := 1000 * expectedP95(tbLatencyMS[svc]/1000); p.Valid && !near(p, want, 0.5) {
				t.Errorf("%s history point %d: %g ms, want %g", svc, i, p.V, want)
				break
			}
		}
		// No cAdvisor in the test bed: resource figures are missing, not 0.
		if m.CPUPct.Valid || m.MemPct.Valid || m.MemBytes.Valid {
			t.Logf("%s resource figures present (cAdvisor added?): %+v", svc, m)
		}
	}
	if !near(part.Metrics["chat-backend"].ErrorRatePct, 0, 0) || !near(part.Metrics["chat-web"].ErrorRatePct, 0, 0) {
		t.Errorf("error rates of the error-free services: %+v / %+v", part.Metrics["chat-backend"].ErrorRatePct, part.Metrics["chat-web"].ErrorRatePct)
	}
	if er := part.Metrics["picture-backend"].ErrorRatePct; !near(er, 10, 1) {
		t.Errorf("picture-backend error rate %+v, want 10 ± 1 %%", er)
	}

	t.Logf("metrics: %+v", part.Metrics)
	t.Logf("databases: %+v", part.Databases)
	t.Logf("dependencies: %+v", part.Dependencies)
	if len(part.Databases) != 3 {
		t.Fatalf("databases: %+v", part.Databases)
	}
	for _, db := range part.Databases {
		if !db.Up || !near(db.MaxConnections, 20, 0) || !db.Connections.Valid {
			t.Errorf("database %+v", db)
		}
	}

	if len(part.Dependencies) != 3 {
		t.Fatalf("dependencies: %+v", part.Dependencies)
	}
	now := time.Now()
	for _, d := range part.Dependencies {
		age := now.Sub(d.CheckedAt)
		if !d.Up || !d.LatencyMS.Valid || d.LatencyMS.V <= 0 || !d.SuccessPct.Valid || age < -time.Second || age > 30*time.Second {
			t.Errorf("dependency %+v (checked %s ago)", d, age)
		}
	}
}

// countingProxy is a reverse proxy in front of the real Prometheus that
// counts what passes through.
func countingProxy(t *testing.T, target string) (*httptest.Server, *atomic.Int64) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// fetchAt fetches with the clock pinned at at and returns the partial and
// the requests that reached Prometheus through the proxy counting n.
func fetchAt(t *testing.T, s *Source, at time.Time, n *atomic.Int64) (backend.Partial, int64) {
	t.Helper()
	s.now = func() time.Time { return at }
	n.Store(0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	part, err := s.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return part, n.Load()
}

func TestIntegrationQueryCountThroughProxy(t *testing.T) {
	env := testbed.Need(t, testbed.PromURL)
	srv, n := countingProxy(t, env[testbed.PromURL])
	// Each fetch of a source a sparkline step after its last, so none
	// reuses the history and the counts do not depend on the second.
	at := time.Now().Truncate(time.Minute).Add(time.Second - time.Minute)
	var counts []int64
	for _, extra := range []int{0, 100, 1000} {
		s := tbSource(t, srv.URL, func(c *Config) {
			c.Services = append([]string(nil), tbServices...)
			for i := range extra {
				c.Services = append(c.Services, fmt.Sprintf("ghost-%d", i))
			}
		})
		for fetch := range 2 {
			want := s.QueryCount()
			part, got := fetchAt(t, s, at.Add(time.Duration(fetch)*time.Minute), n)
			if got != int64(want) {
				t.Errorf("%d services, fetch %d: %d requests reached Prometheus, QueryCount said %d", len(part.Metrics), fetch+1, got, want)
			}
			counts = append(counts, got)
			if m := part.Metrics["ghost-0"]; m.RPS.Valid {
				t.Errorf("unknown service got a figure: %+v", m)
			}
		}
	}
	// First fetch: every figure alone + history; then the instant figures
	// together, dep_up (a range vector) alone, the history.
	if !slices.Equal(counts, []int64{19, 3, 19, 3, 19, 3}) {
		t.Errorf("requests of two fetches for 3/103/1003 services: %v, want 19 then 3 each", counts)
	}

	// Prometheus' own alerts: one more request, and the test bed's
	// always-firing rule.
	s := tbSource(t, srv.URL, func(c *Config) { c.Queries.Alerts = true })
	part := fetchUntil(t, s, 30*time.Second, func(p backend.Partial) bool {
		for _, a := range p.Alerts {
			if a.Name == "TestbedAlwaysFiring" && a.State == backend.AlertFiring && a.Severity == backend.SeverityInfo {
				return true
			}
		}
		return false
	})
	s = tbSource(t, srv.URL, func(c *Config) { c.Queries.Alerts = true })
	if _, got := fetchAt(t, s, at, n); got != 20 {
		t.Errorf("with alerts, first fetch: %d requests, want 20", got)
	}
	if _, got := fetchAt(t, s, at.Add(time.Minute), n); got != 4 || s.QueryCount() != 4 {
		t.Errorf("with alerts, later fetch: %d requests, QueryCount %d, want 4", got, s.QueryCount())
	}
	t.Logf("alerts from Prometheus: %d", len(part.Alerts))
}

// The combined request gives exactly what asking each figure alone gives,
// evaluated by the real Prometheus at the same instant; an operator's
// query that ends in a comment travels in it too.
func TestIntegrationCombinedMatchesAlone(t *testing.T) {
	onEachBackend(t, testCombinedMatchesAlone)
}

func testCombinedMatchesAlone(t *testing.T, promURL string) {
	srv, n := countingProxy(t, promURL)
	edit := func(c *Config) {
		c.Queries.RPS = `sum by ({{.Label}}) (rate(http_requests_total[5m])) # requests per second`
	}
	// In the past, so every sample is stored.
	at := time.Now().Add(-20 * time.Second).Truncate(time.Second)
	alone := tbSource(t, srv.URL, edit)
	want, reqs := fetchAt(t, alone, at, n)
	if reqs != 19 {
		t.Fatalf("first fetch sent %d requests, want 19 (each figure alone + history)", reqs)
	}
	together := tbSource(t, srv.URL, edit)
	fetchAt(t, together, at, n)
	together.slow = slowCache{} // ask uptime again, in the combined request
	got, reqs := fetchAt(t, together, at, n)
	if reqs != 2 {
		t.Fatalf("later fetch sent %d requests, want 2 (combined, dep_up; the history is the first fetch's)", reqs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("combined fetch differs from asking alone:\ncombined: %+v\nalone:    %+v", got, want)
	}
	for _, svc := range tbServices {
		if !got.Metrics[svc].RPS.Valid {
			t.Errorf("%s: no rps through the commented query", svc)
		}
	}
	if !got.Uptime["chat-backend"].Valid || len(got.Databases) != 3 || !got.Databases[0].Up || !got.Dependencies[0].Up {
		t.Errorf("figures missing from the combined answer: uptime %+v, databases %+v, dependencies %+v", got.Uptime, got.Databases, got.Dependencies)
	}
}

func TestIntegrationBadQueryIsReadableAndPartial(t *testing.T) {
	env := testbed.Need(t, testbed.PromURL)
	s := tbSource(t, env[testbed.PromURL], func(c *Config) {
		c.Queries.P95Seconds = `histogram_quantile(0.95, sum by ({{.Label}} (rate(http_request_duration_seconds_bucket[5m])))`
	})
	part, err := s.Fetch(context.Background())
	var inc *backend.IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("want an incomplete fetch, got %v", err)
	}
	host := strings.TrimPrefix(env[testbed.PromURL], "http://")
	if prefix := "prometheus " + host + ": p95_seconds: bad_data: "; !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), "parse error") {
		t.Errorf("error %q, want it to start with %q and say parse error", err, prefix)
	}
	if len(part.Databases) != 3 || !part.Databases[0].Up {
		t.Errorf("the figures that worked are lost: %+v", part.Databases)
	}
	// The figure that failed alone stays out of the combined request: the
	// next fetch fails the same way, with the other figures intact.
	part, err = s.Fetch(context.Background())
	if !errors.As(err, &inc) || !strings.HasPrefix(err.Error(), "prometheus "+host+": p95_seconds: bad_data: ") {
		t.Errorf("second fetch: %v, want p95_seconds alone to fail", err)
	}
	if len(part.Databases) != 3 || !part.Databases[0].Up || !part.Metrics["chat-backend"].RPS.Valid {
		t.Errorf("second fetch lost the figures that work: %+v %+v", part.Databases, part.Metrics)
	}
}

func TestIntegrationPrometheusDown(t *testing.T) {
	addr := testbed.FreeAddr(t)
	s := tbSource(t, "http://"+addr, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	part, err := s.Fetch(ctx)
	if want := "prometheus " + addr + ": connection refused"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if len(part.Metrics) != 0 {
		t.Errorf("data from a server that is down: %+v", part)
	}
}

// TestIntegrationDBConnectionsGrow opens N sessions with psql and waits for
// the next scrapes to show them in db_connections.
func TestIntegrationDBConnectionsGrow(t *testing.T) {
	env := testbed.Need(t, testbed.PromURL, testbed.PGAddr, testbed.PGUser)
	psql, err := exec.LookPath("psql")
	if err != nil {
		// psql comes with the test bed's postgresql package.
		if os.Getenv("CI") == "true" {
			t.Fatal("psql not installed: required under CI")
		}
		t.Skip("psql not installed")
	}
	host, port, err := net.SplitHostPort(env[testbed.PGAddr])
	if err != nil {
		t.Fatal(err)
	}
	testbed.Loopback(t, env[testbed.PGAddr])
	s := tbSource(t, env[testbed.PromURL], func(c *Config) { c.Databases = []string{"chat"} })
	conns := func() backend.Value {
		part, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return part.Databases[0].Connections
	}
	const n = 3
	appName := fmt.Sprintf("opsdeck-prom-it-%d", os.Getpid())
	pg := func(ctx context.Context, sql string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, psql, "-h", host, "-p", port, "-U", env[testbed.PGUser], "-d", "chat", "-Atqc", sql)
		cmd.Env = append(os.Environ(), "PGAPPNAME="+appName, "PGCONNECT_TIMEOUT=5")
		return cmd
	}
	// The baseline is what PostgreSQL itself counts now (less our own
	// session), once Prometheus agrees: a scrape from before an earlier
	// run's sessions ended would otherwise make the growth look smaller
	// (or larger) than it is.
	real := func() float64 {
		c := pg(context.Background(), "select count(*) - 1 from pg_stat_activity where datname = 'chat'")
		c.Env = append(os.Environ(), "PGAPPNAME=opsdeck-prom-it-count", "PGCONNECT_TIMEOUT=5")
		out, err := c.Output()
		if err != nil {
			t.Fatalf("counting sessions: %v", err)
		}
		var v float64
		if _, err := fmt.Sscan(string(out), &v); err != nil {
			t.Fatalf("counting sessions: %q: %v", out, err)
		}
		return v
	}
	var base backend.Value
	testbed.Eventually(t, 40*time.Second, "prometheus agreeing with postgres on the chat connections", func() (bool, string) {
		want := real()
		base = conns()
		return base.Valid && base.V == want, fmt.Sprintf("prometheus says %+v chat connections, postgres %g", base, want)
	})
	ctx, cancel := context.WithCancel(context.Background())
	var sleepers []*exec.Cmd
	t.Cleanup(func() {
		cancel() // kills the psql clients this test started
		for _, c := range sleepers {
			_ = c.Wait()
		}
		// The server keeps a killed client's backend until pg_sleep ends;
		// end them now so other tests see the pool as it was.
		c := pg(context.Background(), fmt.Sprintf("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = '%s'", appName))
		c.Env = append(os.Environ(), "PGAPPNAME=opsdeck-prom-it-cleanup", "PGCONNECT_TIMEOUT=5")
		if out, err := c.CombinedOutput(); err != nil {
			t.Logf("terminating the test's sessions: %v: %s", err, out)
		}
	})
	for range n {
		c := pg(ctx, "select pg_sleep(60)")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		sleepers = append(sleepers, c)
	}
	var v backend.Value
	testbed.Eventually(t, 40*time.Second, fmt.Sprintf("chat connections ≥ %g + %d after opening %d sessions", base.V, n, n), func() (bool, string) {
		v = conns()
		return v.Valid && v.V >= base.V+n, fmt.Sprintf("%+v", v)
	})
	t.Logf("chat connections %g -> %g", base.V, v.V)
}
