package prom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/testbed"
)

// now is the pinned clock of the tests: a whole minute, so the 1h history
// grid (step 60 s) ends exactly here.
var now = time.Unix(1_790_000_040, 0).UTC()

const nowTS = 1_790_000_040.0

func newSource(t testing.TB, f *fakeProm, cfg Config) *Source {
	t.Helper()
	cfg.URL = f.srv.URL
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return now }
	return s
}

func fleetConfig() Config {
	return Config{
		ServiceLabel: "service",
		Services:     []string{"chat-backend", "chat-web", "picture-backend", "landing"},
		Databases:    []string{"chat", "picture", "manacore"},
		Dependencies: map[string]string{"chat api": "http://127.0.0.1:18081/api/health", "stripe": "https://api.stripe.com/health"},
	}
}

func wantValue(t *testing.T, what string, got backend.Value, want float64) {
	t.Helper()
	if !got.Valid || math.Abs(got.V-want) > 1e-9 {
		t.Errorf("%s = %+v, want %g", what, got, want)
	}
}

func wantMissing(t *testing.T, what string, got backend.Value) {
	t.Helper()
	if got.Valid {
		t.Errorf("%s = %g, want missing", what, got.V)
	}
}

func TestFetchJoinsFiguresByLabel(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	set := func(key string, r reply) { f.set(exprOf(t, s, key), r) }

	// "ghost" is not configured and must be ignored; "landing" is
	// configured but absent from every result and must be missing.
	set(keyRPS, vector("service", nowTS, "chat-backend", "20", "chat-web", "10", "picture-backend", "5", "ghost", "99"))
	set(keyErrorRate, vector("service", nowTS, "chat-backend", "0", "chat-web", "NaN", "picture-backend", "10"))
	set(keyP95, vector("service", nowTS, "chat-backend", "0.095", "picture-backend", "+Inf"))
	set(keyAvgLatency, vector("service", nowTS, "chat-backend", "0.08"))
	set(keyMemBytes, vector("service", nowTS, "chat-backend", "1.5e+08"))
	set(keyUptime, vector("service", nowTS, "chat-backend", "99.9", "chat-web", "100"))
	// A series without datname (max(pg_settings_max_connections)) applies
	// to every database; one with datname wins over it.
	set(keyDBUp, vector("datname", nowTS, "", "1"))
	set(keyDBConns, vector("datname", nowTS, "chat", "7", "picture", "0", "postgres", "3"))
	set(keyDBMaxConns, vector("datname", nowTS, "", "20", "picture", "50"))
	set(keyDBCacheHit, vector("datname", nowTS, "chat", "98.5"))
	// The probe's own timestamps, from the range selector.
	set(keyDepUp, ok(`{"resultType":"matrix","result":[{"metric":{"__name__":"probe_success","instance":"http://127.0.0.1:18081/api/health","job":"blackbox"},"values":[[1790000030,"0"],[1790000035.5,"1"]]}]}`))
	set(keyDepLatency, vector("instance", nowTS, "http://127.0.0.1:18081/api/health", "0.0123"))
	set(keyDepSuccess, vector("instance", nowTS, "http://127.0.0.1:18081/api/health", "99.5"))

	// The first fetch asks each figure alone and learns which answer
	// instant vectors; the next sends those in one combined request. Both
	// must join the same way.
	passes := []struct {
		name     string
		at       time.Time
		combined int // combined requests sent so far
	}{
		{"each figure alone", now, 0},
		{"figures combined", now.Add(time.Minute), 1}, // a minute on: uptime is asked again
	}
	for _, pass := range passes {
		s.now = func() time.Time { return pass.at }
		part, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := f.combined(); got != pass.combined {
			t.Fatalf("%s: %d combined requests, want %d", pass.name, got, pass.combined)
		}
		t.Run(pass.name, func(t *testing.T) { checkJoined(t, part) })
	}
}

func checkJoined(t *testing.T, part backend.Partial) {
	if _, found := part.Metrics["ghost"]; found {
		t.Error("unconfigured service ghost reported")
	}
	cb, cw, pb, land := part.Metrics["chat-backend"], part.Metrics["chat-web"], part.Metrics["picture-backend"], part.Metrics["landing"]
	wantValue(t, "chat-backend rps", cb.RPS, 20)
	wantValue(t, "chat-backend error rate (a real zero)", cb.ErrorRatePct, 0)
	wantValue(t, "chat-backend p95 ms", cb.P95MS, 95)
	wantValue(t, "chat-backend avg ms", cb.AvgLatencyMS, 80)
	wantValue(t, "chat-backend mem bytes", cb.MemBytes, 1.5e8)
	wantMissing(t, "chat-backend cpu (empty result)", cb.CPUPct)
	wantMissing(t, "chat-web error rate (NaN)", cw.ErrorRatePct)
	wantMissing(t, "chat-web p95 (absent)", cw.P95MS)
	wantValue(t, "picture-backend error rate", pb.ErrorRatePct, 10)
	wantMissing(t, "picture-backend p95 (+Inf)", pb.P95MS)
	for what, v := range map[string]backend.Value{"rps": land.RPS, "error rate": land.ErrorRatePct, "p95": land.P95MS, "uptime": part.Uptime["landing"]} {
		wantMissing(t, "landing "+what, v)
	}
	wantValue(t, "chat-backend uptime", part.Uptime["chat-backend"], 99.9)

	if len(part.Databases) != 3 {
		t.Fatalf("databases: %+v", part.Databases)
	}
	chat, pic, mc := part.Databases[0], part.Databases[1], part.Databases[2]
	if chat.Name != "chat" || pic.Name != "picture" || mc.Name != "manacore" {
		t.Fatalf("database order: %+v", part.Databases)
	}
	if !chat.Up || !mc.Up {
		t.Error("pg_up=1 without datname must mark every database up")
	}
	wantValue(t, "chat connections", chat.Connections, 7)
	wantValue(t, "picture connections (a real zero)", pic.Connections, 0)
	wantMissing(t, "manacore connections", mc.Connections)
	wantValue(t, "chat max (label-less)", chat.MaxConnections, 20)
	wantValue(t, "manacore max (label-less)", mc.MaxConnections, 20)
	wantValue(t, "picture max (own datname wins)", pic.MaxConnections, 50)
	wantValue(t, "chat cache hit", chat.CacheHitPct, 98.5)
	wantMissing(t, "chat avg query (no stat_statements)", chat.AvgQueryMS)

	if len(part.Dependencies) != 2 {
		t.Fatalf("dependencies: %+v", part.Dependencies)
	}
	api, stripe := part.Dependencies[0], part.Dependencies[1]
	if api.Name != "chat api" || !api.Up {
		t.Errorf("chat api: %+v", api)
	}
	if want := time.UnixMilli(1_790_000_035_500); !api.CheckedAt.Equal(want) {
		t.Errorf("chat api checked at %s, want the newest probe sample %s", api.CheckedAt, want)
	}
	wantValue(t, "chat api latency ms", api.LatencyMS, 12.3)
	wantValue(t, "chat api success", api.SuccessPct, 99.5)
	if stripe.Up || !stripe.CheckedAt.IsZero() {
		t.Errorf("unprobed dependency: %+v", stripe)
	}
	wantMissing(t, "stripe latency", stripe.LatencyMS)
}

func TestFetchEvaluatesEveryFigureAtOneInstant(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	for _, form := range f.forms {
		if form["path"] != "/api/v1/query" {
			continue
		}
		if form["time"] != "1790000040" {
			t.Errorf("query %q evaluated at %q, want the shared instant 1790000040", form["query"], form["time"])
		}
		if !strings.HasSuffix(form["timeout"], "s") {
			t.Errorf("query %q: the deadline is not passed on as timeout (got %q)", form["query"], form["timeout"])
		}
	}
}

func TestFetchDiscoversNamesWhenNoneConfigured(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, Config{})
	f.set(exprOf(t, s, keyRPS), vector("job", nowTS, "b", "1", "a", "2"))
	f.set(exprOf(t, s, keyDBConns), vector("datname", nowTS, "chat", "3", "", "9"))
	f.set(exprOf(t, s, keyDepLatency), vector("instance", nowTS, "http://x/health", "0.5"))
	part, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(part.Metrics) != 2 {
		t.Errorf("metrics: %v", part.Metrics)
	}
	wantValue(t, "a rps", part.Metrics["a"].RPS, 2)
	if len(part.Databases) != 1 || part.Databases[0].Name != "chat" {
		t.Errorf("databases: %+v", part.Databases)
	}
	if len(part.Dependencies) != 1 || part.Dependencies[0].Name != "http://x/health" {
		t.Errorf("dependencies: %+v", part.Dependencies)
	}
}

func TestFetchHistoryIsOneRangeQueryOnAGrid(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	// 61 points from now-1h to now; chat-backend has a NaN at the first
	// point and a gap at the second, picture-backend is absent.
	var pts []string
	start := nowTS - 60*60
	for i := 0; i <= 60; i++ {
		switch i {
		case 0:
			pts = append(pts, fmt.Sprintf(`[%s,"NaN"]`, fmtTS(start)))
		case 1:
		default:
			pts = append(pts, fmt.Sprintf(`[%s,"0.%03d"]`, fmtTS(start+float64(i*60)), i))
		}
	}
	f.rangeReply = &reply{200, `{"status":"success","data":{"resultType":"matrix","result":[` +
		`{"metric":{"service":"chat-backend"},"values":[` + strings.Join(pts, ",") + `]},` +
		`{"metric":{"service":"ghost"},"values":[[1790000040,"1"]]}]}}`}

	part, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ranges int
	for _, form := range f.forms {
		if form["path"] == "/api/v1/query_range" {
			ranges++
			if form["start"] != "1789996440" || form["end"] != "1790000040" || form["step"] != "60" {
				t.Errorf("history window: %v", form)
			}
		}
	}
	if ranges != 1 {
		t.Fatalf("%d range queries, want 1", ranges)
	}
	h := part.P95History["chat-backend"]
	if len(h.Points) != 61 || h.Step != time.Minute || !h.Start.Equal(now.Add(-time.Hour)) {
		t.Fatalf("history grid: start %s step %s points %d", h.Start, h.Step, len(h.Points))
	}
	wantMissing(t, "NaN point", h.Points[0])
	wantMissing(t, "gap", h.Points[1])
	wantValue(t, "point 2 (ms)", h.Points[2], 2)
	wantValue(t, "last point (ms)", h.Last(), 60)
	if _, found := part.P95History["ghost"]; found {
		t.Error("unconfigured service in history")
	}
	if _, found := part.P95History["picture-backend"]; found {
		t.Error("absent service got a history")
	}
}

func TestFetchPartialFailureKeepsWhatArrived(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	f.set(exprOf(t, s, keyRPS), vector("service", nowTS, "chat-backend", "20"))
	f.set(exprOf(t, s, keyP95), apiError(400, "bad_data", `invalid parameter "query": 1:37: parse error: unexpected <by> in aggregation`))
	f.set(exprOf(t, s, keyCPU), apiError(422, "execution", "query processing would load too many samples into memory in query execution"))
	f.set(exprOf(t, s, keyMemPct), apiError(422, "execution", "query processing would load too many samples into memory in query execution"))

	part, err := s.Fetch(context.Background())
	var inc *backend.IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("want *backend.IncompleteError, got %T %v", err, err)
	}
	wantValue(t, "rps that did arrive", part.Metrics["chat-backend"].RPS, 20)
	wantMissing(t, "p95 that failed", part.Metrics["chat-backend"].P95MS)

	var pe *Error
	if !errors.As(err, &pe) || !slices.Equal(pe.Figures(), []string{keyP95, keyCPU, keyMemPct}) {
		t.Fatalf("failed figures: %v", err)
	}
	host := strings.TrimPrefix(f.srv.URL, "http://")
	want := "prometheus " + host + `: p95_seconds: bad_data: invalid parameter "query": 1:37: parse error: unexpected <by> in aggregation; ` +
		"cpu_pct, memory_pct: execution: query processing would load too many samples into memory in query execution"
	if err.Error() != want {
		t.Errorf("error text\n got: %s\nwant: %s", err, want)
	}
}

func TestFetchAllFailedSaysTheCauseOnce(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	// Prometheus answers timeouts with 503 and an envelope; client_golang
	// only keeps the raw body for that status.
	body := apiError(503, "timeout", "query timed out in expression evaluation")
	for _, fig := range s.figures {
		f.set(fig.expr, body)
	}
	f.rangeReply = &body
	part, err := s.Fetch(context.Background())
	var inc *backend.IncompleteError
	if err == nil || errors.As(err, &inc) {
		t.Fatalf("want a plain error, got %T %v", err, err)
	}
	if len(part.Metrics) != 0 {
		t.Errorf("data from a failed fetch: %+v", part)
	}
	want := "prometheus " + strings.TrimPrefix(f.srv.URL, "http://") + ": timeout: query timed out in expression evaluation"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

// A refusal says so once, with what opsdeck authenticated as: the
// password or the tenant is wrong, not the queries.
func TestFetchRefusedSaysWhoAsked(t *testing.T) {
	f := newFake(t)
	cfg := fleetConfig()
	cfg.Auth = "basic auth as opsdeck"
	s := newSource(t, f, cfg)
	for _, code := range []int{401, 403} {
		body := reply{code, http.StatusText(code) + "\n"}
		for _, fig := range s.figures {
			f.set(fig.expr, body)
		}
		f.rangeReply = &body
		_, err := s.Fetch(context.Background())
		want := fmt.Sprintf("prometheus %s: %d %s (basic auth as opsdeck)", strings.TrimPrefix(f.srv.URL, "http://"), code, http.StatusText(code))
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func TestFetchProxyErrorIsShortened(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	f.set(exprOf(t, s, keyRPS), reply{502, "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>\n"})
	_, err := s.Fetch(context.Background())
	if err == nil || !strings.HasSuffix(err.Error(), ": rps: server error: 502: <html><head><title>502 Bad Gateway</title></head>") {
		t.Errorf("got %v", err)
	}
}

func TestFetchConnectionRefusedIsReadable(t *testing.T) {
	addr := testbed.FreeAddr(t)
	s, err := New(Config{URL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fetch(context.Background())
	if want := "prometheus " + addr + ": connection refused"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestQueryCountIsConstantInFleetSize(t *testing.T) {
	var first, steady []int
	for _, n := range []int{10, 100, 1000} {
		f := newFake(t)
		cfg := Config{ServiceLabel: "service"}
		var pairs []string
		for i := range n {
			name := fmt.Sprintf("svc-%04d", i)
			cfg.Services = append(cfg.Services, name)
			cfg.Databases = append(cfg.Databases, "db-"+name)
			pairs = append(pairs, name, "1")
		}
		s := newSource(t, f, cfg)
		f.set(exprOf(t, s, keyRPS), vector("service", nowTS, pairs...))
		for fetch, counts := range []*[]int{&first, &steady} {
			// A step apart, so the second fetch reuses nothing.
			s.now = func() time.Time { return now.Add(time.Duration(fetch) * time.Minute) }
			want := s.QueryCount()
			before, _ := f.stats()
			part, err := s.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(part.Metrics) != n {
				t.Fatalf("%d services, fetch %d: %d metrics", n, fetch+1, len(part.Metrics))
			}
			for name, m := range part.Metrics {
				if !m.RPS.Valid || m.RPS.V != 1 {
					t.Fatalf("%d services, fetch %d: %s rps %+v", n, fetch+1, name, m.RPS)
				}
			}
			reqs, _ := f.stats()
			if reqs-before != want {
				t.Errorf("%d services, fetch %d: server saw %d requests, QueryCount said %d", n, fetch+1, reqs-before, want)
			}
			*counts = append(*counts, reqs-before)
		}
	}
	if !slices.Equal(first, []int{19, 19, 19}) {
		t.Errorf("first fetch for 10/100/1000 services: %v requests, want 19 each (18 figures alone + history)", first)
	}
	// Steady state: the 17 instant figures together, dep_up (a range
	// vector) alone, the history.
	if !slices.Equal(steady, []int{3, 3, 3}) {
		t.Errorf("later fetches for 10/100/1000 services: %v requests, want 3 each", steady)
	}

	f := newFake(t)
	s := newSource(t, f, Config{Queries: Queries{Alerts: true}})
	for i := range 2 {
		s.now = func() time.Time { return now.Add(time.Duration(i) * time.Minute) }
		if _, err := s.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if reqs, _ := f.stats(); reqs != 20+4 || s.QueryCount() != 4 {
		t.Errorf("with alerts: %d requests in two fetches, QueryCount %d, want 20+4 and 4", reqs, s.QueryCount())
	}
}

func TestFetchBoundsConcurrency(t *testing.T) {
	f := newFake(t)
	f.delay = 30 * time.Millisecond
	s := newSource(t, f, fleetConfig())
	if _, err := s.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, most := f.stats()
	if most > Concurrency || most < 2 {
		t.Errorf("%d requests in flight at most, want 2..%d", most, Concurrency)
	}
}

func TestFetchHonoursTheDeadline(t *testing.T) {
	f := newFake(t)
	f.hang = true
	s := newSource(t, f, fleetConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := s.Fetch(ctx)
	if took := time.Since(began); took > time.Second {
		t.Errorf("Fetch took %s with a 200ms deadline", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasSuffix(err.Error(), ": no answer before the deadline") {
		t.Errorf("got %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := s.Fetch(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled ctx: got %v", err)
	}
}

func TestFetchPrometheusAlerts(t *testing.T) {
	f := newFake(t)
	f.alerts = `{"status":"success","data":{"alerts":[
{"labels":{"alertname":"TestbedAlwaysFiring","severity":"info"},"annotations":{"summary":"test bed alert"},"state":"firing","activeAt":"2026-11-26T10:00:00Z","value":"1e+00"},
{"labels":{"alertname":"FleetHighErrorRate","severity":"warning","service":"picture-backend"},"annotations":{"summary":"High Error Rate (10%)"},"state":"firing","activeAt":"2026-11-26T10:05:00Z","value":"1e-01"},
{"labels":{"alertname":"DiskFilling","job":"node","severity":"critical"},"annotations":{"description":"disk 91% full"},"state":"pending","activeAt":"2026-11-26T10:06:00Z","value":"91"},
{"labels":{"alertname":"Old","severity":"critical"},"annotations":{},"state":"inactive","activeAt":"2026-11-26T09:00:00Z","value":"0"}]}}`
	s := newSource(t, f, Config{ServiceLabel: "service", Queries: Queries{Alerts: true}})
	if !slices.Contains(s.Feeds(), backend.FeedAlerts) {
		t.Error("alerts feed not announced")
	}
	part, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range part.Alerts {
		got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s", a.State, a.Severity, a.Name, a.Service, a.Summary))
	}
	want := []string{
		"firing/warning/FleetHighErrorRate/picture-backend/High Error Rate (10%)",
		"firing/info/TestbedAlwaysFiring//test bed alert",
		"pending/critical/DiskFilling/node/disk 91% full",
	}
	if !slices.Equal(got, want) {
		t.Errorf("alerts\n got %q\nwant %q", got, want)
	}
}

func TestP95RangeIsOneQuery(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	f.rangeReply = &reply{200, `{"status":"success","data":{"resultType":"matrix","result":[` +
		`{"metric":{"service":"picture-backend"},"values":[[1789913640,"0.975"],[1789917240,"0.975"]]}]}}`}
	start := now.Add(-24 * time.Hour)
	got, _, err := s.P95Range(context.Background(), start, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if reqs, _ := f.stats(); reqs != 1 {
		t.Errorf("%d requests, want 1", reqs)
	}
	pb := got["picture-backend"]
	if len(pb.Points) != 25 {
		t.Fatalf("points: %d", len(pb.Points))
	}
	wantValue(t, "first (ms)", pb.Points[0], 975)
	wantValue(t, "second (ms)", pb.Points[1], 975)
	wantMissing(t, "third", pb.Points[2])

	for _, c := range []struct {
		start, end time.Time
		step       time.Duration
		want       string
	}{
		{start, now, 0, "step must be positive"},
		{now, start, time.Minute, "is before start"},
		{now.Add(-7 * 24 * time.Hour), now, time.Second, "exceeds Prometheus' 11000 points per series; use a step of at least 55s"},
	} {
		if _, _, err := s.P95Range(context.Background(), c.start, c.end, c.step); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("P95Range(%s, %s, %s): %v, want %q", c.start, c.end, c.step, err, c.want)
		}
	}
	f.rangeReply = &reply{400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error: unexpected end of input"}`}
	if _, _, err := s.P95Range(context.Background(), start, now, time.Hour); err == nil ||
		!strings.HasSuffix(err.Error(), `: p95_range: bad_data: invalid parameter "query": 1:1: parse error: unexpected end of input`) {
		t.Errorf("got %v", err)
	}
}

func TestNewValidatesAndRenders(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{URL: "127.0.0.1:9090"}, "want http://host:port"},
		{Config{URL: "ftp://x"}, "want http://host:port"},
		{Config{URL: "http://x:9090", ServiceLabel: "com.docker"}, "not a Prometheus label name"},
		{Config{URL: "http://x:9090", Queries: Queries{RPS: "sum by ({{.Lable}}) (x)"}}, "query rps"},
		{Config{URL: "http://x:9090", Queries: Queries{RPS: "sum by ({{.Label}) (x)"}}, "query rps"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v): %v, want %q", c.cfg, err, c.want)
		}
	}
	s, err := New(Config{URL: "http://127.0.0.1:9090/prom/", Queries: Queries{RPS: "sum by ({{.Label}}) (rate(requests_total[1m]))"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "prometheus" || s.Kind() != "prometheus" || s.QueryCount() != 19 {
		t.Errorf("defaults: %s %s %d", s.Name(), s.Kind(), s.QueryCount())
	}
	if got := s.figures[0].expr; got != "sum by (job) (rate(requests_total[1m]))" {
		t.Errorf("override: %s", got)
	}
	if got := s.figures[2].expr; got != "histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))" {
		t.Errorf("default p95: %s", got)
	}
	for _, f := range s.figures {
		if strings.Contains(f.expr, "{{") {
			t.Errorf("%s not rendered: %s", f.key, f.expr)
		}
	}
}

func TestNamesMatchTheConfig(t *testing.T) {
	if !slices.Equal(Names(), config.PromQueryNames) {
		t.Errorf("prom.Names() %v\nconfig.PromQueryNames %v", Names(), config.PromQueryNames)
	}
	var q Queries
	if err := q.Set("p95_seconds", "x"); err != nil || q.P95Seconds != "x" {
		t.Errorf("Set: %v %q", err, q.P95Seconds)
	}
	if err := q.Set("p95", "x"); err == nil {
		t.Error("Set accepted an unknown name")
	}
}

// A custom client is used for every request (tests, proxies, TLS).
func TestFetchUsesTheConfiguredClient(t *testing.T) {
	f := newFake(t)
	var seen atomic.Int32
	cl := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	s := newSource(t, f, Config{Client: cl})
	want := s.QueryCount()
	if _, err := s.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	want += s.QueryCount()
	s.now = func() time.Time { return now.Add(time.Minute) } // the next step: nothing reused
	if _, err := s.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if int(seen.Load()) != want {
		t.Errorf("client saw %d requests, want %d", seen.Load(), want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The sparkline history is asked for twice a step: by the first fetch
// after the step's end, whose grid serves until the step settles, and by
// the first fetch after it settles, whose grid serves the rest of the step
// (one request fewer, the same series). The next step asks again, as does
// a fetch after a failed history.
func TestFetchReusesSettledHistory(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	clock := now // on a minute boundary: the end of a sparkline step
	s.now = func() time.Time { return clock }
	f.rangeReply = &reply{200, `{"status":"success","data":{"resultType":"matrix","result":[` +
		`{"metric":{"service":"chat-backend"},"values":[[1790000040,"0.25"]]}]}}`}
	ranges := func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for _, form := range f.forms {
			if form["path"] == "/api/v1/query_range" {
				n++
			}
		}
		return n
	}
	fetch := func(at time.Time) backend.Partial {
		t.Helper()
		clock = at
		part, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return part
	}
	step := time.Minute
	end := now.Truncate(step) // the grid's end for the first fetches

	first := fetch(end.Add(2 * time.Second)) // not settled: asked
	if got := ranges(); got != 1 {
		t.Fatalf("%d range queries for the step's first fetch, want 1", got)
	}
	fetch(end.Add(historySettle - time.Second)) // still not settled: the first's grid serves
	if got := ranges(); got != 1 {
		t.Fatalf("an unsettled fetch after an unsettled one asked again (%d range queries)", got)
	}
	second := fetch(end.Add(historySettle)) // settled: asked again
	if got := ranges(); got != 2 {
		t.Fatalf("%d range queries once the step settled, want 2", got)
	}
	reqs, _ := f.stats()
	want := s.QueryCount() - 1
	third := fetch(end.Add(historySettle + 20*time.Second))
	if got := ranges(); got != 2 {
		t.Fatalf("a later fetch in the same step asked for the history again (%d range queries)", got)
	}
	if r, _ := f.stats(); r-reqs != want {
		t.Fatalf("a fetch reusing the history sent %d requests, want %d", r-reqs, want)
	}
	for i, p := range []backend.Partial{first, second, third} {
		if h := p.P95History["chat-backend"]; h.Last().V != 250 {
			t.Fatalf("fetch %d: history %+v", i+1, h)
		}
	}
	fetch(end.Add(step + time.Second)) // the next step
	if got := ranges(); got != 3 {
		t.Fatalf("the next step did not ask for the history (%d range queries)", got)
	}
	// A failed history is not kept: the next fetch asks again.
	f.rangeReply = &reply{503, `{"status":"error","errorType":"unavailable","error":"down"}`}
	clock = end.Add(2*step + historySettle)
	if _, err := s.Fetch(context.Background()); err == nil {
		t.Fatal("a failed history fetch reported no error")
	}
	f.rangeReply = &reply{200, `{"status":"success","data":{"resultType":"matrix","result":[]}}`}
	fetch(end.Add(2*step + historySettle + 2*time.Second))
	if got := ranges(); got != 5 {
		t.Fatalf("after a failed history %d range queries, want 5", got)
	}
}

// Uptime (a day's average) is asked for at most once a minute; the other
// figures on every fetch. A failed uptime answer is not kept.
func TestFetchAsksUptimeOncePerMinute(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	clock := now
	s.now = func() time.Time { return clock }
	uptime, rps := exprOf(t, s, keyUptime), exprOf(t, s, keyRPS)
	f.set(uptime, vector("service", nowTS, "chat-backend", "99.5"))
	asked := f.asked
	for _, at := range []time.Duration{0, 2 * time.Second, 30 * time.Second, 59 * time.Second} {
		clock = now.Add(at)
		part, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if v := part.Uptime["chat-backend"]; !v.Valid || v.V != 99.5 {
			t.Fatalf("at +%v: uptime %+v", at, v)
		}
	}
	if u, r := asked(uptime), asked(rps); u != 1 || r != 4 {
		t.Fatalf("in a minute: uptime asked %d times, rps %d; want 1 and 4", u, r)
	}
	clock = now.Add(time.Minute)
	f.set(uptime, apiError(422, "execution", "boom"))
	if _, err := s.Fetch(context.Background()); err == nil {
		t.Fatal("a failed uptime figure reported no error")
	}
	f.set(uptime, vector("service", nowTS, "chat-backend", "98"))
	clock = now.Add(time.Minute + 2*time.Second)
	part, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The failed fetch asked it twice: in the combined request, which
	// failed, and alone, to name the figure at fault.
	if u := asked(uptime); u != 4 || part.Uptime["chat-backend"].V != 98 {
		t.Fatalf("after a failed answer: uptime asked %d times (want 4), value %+v", u, part.Uptime["chat-backend"])
	}
}

// Fetches reuse their connections (a refresh of Concurrency requests in
// flight dials none after the first), and a loopback Prometheus is not
// asked to gzip its answers.
func TestFetchReusesConnections(t *testing.T) {
	f := newFake(t)
	f.delay = 5 * time.Millisecond // keep Concurrency requests in flight together
	s := newSource(t, f, fleetConfig())
	for range 3 {
		if _, err := s.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conns > Concurrency+1 {
		t.Fatalf("3 fetches opened %d connections, want at most %d", f.conns, Concurrency+1)
	}
	for _, form := range f.forms {
		if form["accept-encoding"] != "" {
			t.Fatalf("a loopback request asked for %q", form["accept-encoding"])
		}
	}
	if tr := transport("prometheus.example"); tr.DisableCompression {
		t.Fatal("compression is off for a remote Prometheus")
	}
}
