package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

func TestValueJSONAndNaN(t *testing.T) {
	b, err := json.Marshal(struct{ A, B, C Value }{Some(1.5), None(), Some(math.NaN())})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"A":1.5,"B":null,"C":null}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	var back struct{ A, B Value }
	if err := json.Unmarshal([]byte(`{"A":2,"B":null}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.A != Some(2) || back.B.Valid {
		t.Fatalf("round trip: %+v", back)
	}
}

func running(name string) Container {
	return Container{Name: name, State: StateRunning, Health: HealthHealthy}
}

func TestAssess(t *testing.T) {
	th := DefaultThresholds()
	cases := []struct {
		name string
		svc  Service
		want Status
		why  string
	}{
		{"no containers", Service{}, StatusUnknown, "no container found"},
		{"healthy", Service{Containers: []Container{running("a")}}, StatusUp, ""},
		{"exited", Service{Containers: []Container{running("a"), {Name: "b", State: StateExited}}}, StatusDown, "b exited"},
		{"unhealthy", Service{Containers: []Container{{Name: "a", State: StateRunning, Health: HealthUnhealthy}}}, StatusDown, "a unhealthy"},
		{"starting", Service{Containers: []Container{{Name: "a", State: StateRunning, Health: HealthStarting}}}, StatusWarn, "a starting"},
		{"memory over limit", Service{Containers: []Container{running("a")}, Metrics: Metrics{MemPct: Some(85)}}, StatusWarn, "High Memory: 85%"},
		{"errors far over limit", Service{Containers: []Container{running("a")}, Metrics: Metrics{ErrorRatePct: Some(2.5)}}, StatusDown, "Error Rate: 2.5%"},
		{"slow", Service{Containers: []Container{running("a")}, Metrics: Metrics{P95MS: Some(620)}}, StatusWarn, "Slow: p95 620 ms"},
		{"missing metrics are not findings", Service{Containers: []Container{running("a")}, Metrics: Metrics{}}, StatusUp, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := th.Assess(c.svc)
			if got != c.want {
				t.Fatalf("status %v, want %v (%v)", got, c.want, why)
			}
			if c.why == "" && len(why) != 0 {
				t.Fatalf("unexpected findings %v", why)
			}
			if c.why != "" && (len(why) == 0 || why[0].Text != c.why) {
				t.Fatalf("findings %v, want first %q", why, c.why)
			}
		})
	}
}

func TestLevelAndPool(t *testing.T) {
	l := Limit{Warn: 10, Down: 20}
	if Level(None(), l) != StatusUnknown || Level(Some(5), Limit{}) != StatusUnknown {
		t.Fatal("missing value or levels off must be unknown")
	}
	if Level(Some(10), l) != StatusUp || Level(Some(11), l) != StatusWarn || Level(Some(19.9), l) != StatusWarn || Level(Some(20), l) != StatusDown {
		t.Fatal("level boundaries wrong: above warn warns, reaching down is down")
	}
	if Level(Some(50), Limit{Warn: 10}) != StatusWarn || Level(Some(50), Limit{Down: 40}) != StatusDown || Level(Some(30), Limit{Down: 40}) != StatusUp {
		t.Fatal("a level of 0 is off")
	}
	th := DefaultThresholds()
	for _, c := range []struct {
		conns float64
		want  Status
	}{{8, StatusUp}, {9, StatusWarn}, {10, StatusDown}} {
		if got := th.PoolStatus(DBPool{Up: true, Connections: Some(c.conns), MaxConnections: Some(10)}); got != c.want {
			t.Errorf("pool %v/10 = %v, want %v", c.conns, got, c.want)
		}
	}
	if got := th.PoolStatus(DBPool{Up: false}); got != StatusDown {
		t.Fatalf("unreachable db = %v, want down", got)
	}
}

// A capped figure can be down: memory at 100% of its limit is, where
// "above twice the 80% limit" never happens.
func TestCappedFiguresCanBeDown(t *testing.T) {
	th := DefaultThresholds()
	svc := Service{Containers: []Container{running("a")}, Metrics: Metrics{MemPct: Some(100)}}
	if st, why := th.Assess(svc); st != StatusDown || why[0].Text != "High Memory: 100%" {
		t.Fatalf("memory at 100%%: %v %v, want down", st, why)
	}
	if Capped(80) != (Limit{80, 100}) || Capped(40) != (Limit{40, 80}) || Twice(1) != (Limit{1, 2}) {
		t.Fatal("shorthands wrong")
	}
}

// A dependency that answers is not up when it fails too many probes; one
// whose last probe failed is down whatever its rate.
func TestDependencyStatus(t *testing.T) {
	th := DefaultThresholds() // warn below 99, down below 98
	for _, c := range []struct {
		up      bool
		success Value
		want    Status
	}{
		{true, Some(99.9), StatusUp},
		{true, Some(99), StatusUp},
		{true, Some(98.5), StatusWarn},
		{true, Some(93.7), StatusDown},
		{true, None(), StatusUp},
		{false, Some(100), StatusDown},
	} {
		if got := th.DependencyStatus(Dependency{Up: c.up, SuccessPct: c.success}); got != c.want {
			t.Errorf("up %v success %v: %v, want %v", c.up, c.success, got, c.want)
		}
	}
	if FailuresTwice(99) != (Floor{99, 98}) || FailuresTwice(40) != (Floor{40, 0}) {
		t.Fatal("success shorthand wrong")
	}
}

func TestSummarizeWeightsByTraffic(t *testing.T) {
	s := Snapshot{Thresholds: DefaultThresholds(), Services: []Service{
		{Name: "api", Containers: []Container{running("api-1")}, Metrics: Metrics{RPS: Some(900), ErrorRatePct: Some(0.1), AvgLatencyMS: Some(400)}},
		{Name: "landing", Containers: []Container{running("landing-1")}, Metrics: Metrics{RPS: Some(100), ErrorRatePct: Some(1.5), AvgLatencyMS: Some(10)}},
		{Name: "ghost"},
	}}
	sum := s.Summarize()
	if sum.Healthy != 1 || sum.Total != 3 { // landing warns: not healthy
		t.Fatalf("healthy %d/%d, want 1/3", sum.Healthy, sum.Total)
	}
	if sum.ServicesStatus != StatusWarn { // none down, ghost unaccounted for
		t.Fatalf("services status %v", sum.ServicesStatus)
	}
	if sum.RPS.V != 1000 {
		t.Fatalf("rps %v", sum.RPS)
	}
	if math.Abs(sum.ErrorRatePct.V-0.24) > 1e-9 { // (0.9+1.5)/1000 in percent
		t.Fatalf("error rate %v", sum.ErrorRatePct)
	}
	if math.Abs(sum.AvgLatencyMS.V-361) > 1e-9 { // (900*400+100*10)/1000
		t.Fatalf("avg latency %v", sum.AvgLatencyMS)
	}
	if len(sum.Warnings) != 2 || sum.Warnings[0].Service != "landing" || sum.Warnings[1].Service != "ghost" {
		t.Fatalf("warnings %+v", sum.Warnings)
	}
	if (Snapshot{}).Summarize().RPS.Valid {
		t.Fatal("an empty fleet has no request rate, not zero")
	}
}

// A service with a warning is not counted healthy, and the services tile
// stays green while none is down (the seed's "38 / 39 Healthy" beside its
// warning); one down of five turns it to warn, two to down.
func TestSummarizeCountsOnlyUpAsHealthy(t *testing.T) {
	up := Service{Name: "up", Containers: []Container{running("up-1")}}
	warn := Service{Name: "warn", Containers: []Container{running("warn-1")}, Metrics: Metrics{MemPct: Some(85)}}
	down := Service{Name: "down", Containers: []Container{{Name: "down-1", State: StateExited}}}
	cases := []struct {
		name     string
		services []Service
		healthy  int
		status   Status
	}{
		{"one warning", []Service{up, up, up, up, warn}, 4, StatusUp},
		{"one down", []Service{up, up, up, warn, down}, 3, StatusWarn},
		{"two down", []Service{up, up, warn, down, down}, 2, StatusDown},
	}
	for _, c := range cases {
		sum := Snapshot{Thresholds: DefaultThresholds(), Services: c.services}.Summarize()
		if sum.Healthy != c.healthy || sum.Total != len(c.services) || sum.ServicesStatus != c.status {
			t.Errorf("%s: %d / %d %v, want %d / %d %v", c.name, sum.Healthy, sum.Total, sum.ServicesStatus, c.healthy, len(c.services), c.status)
		}
	}
}

func TestMergeKeepsConfigOrderAndAppendsDiscovered(t *testing.T) {
	deploy := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	configured := []Service{{Project: "chat", Name: "chat-backend"}, {Project: "chat", Name: "chat-web"}}
	inventory := []Service{
		{Project: "zeta", Name: "zeta-web", Containers: []Container{running("z")}},
		{Project: "chat", Name: "chat-backend", Host: "prod-1", LastDeploy: deploy, Containers: []Container{running("c")}},
		{Project: "alpha", Name: "alpha-web"},
	}
	out := Merge(configured, inventory, Partial{Metrics: map[string]Metrics{"chat-web": {RPS: Some(3)}}})
	var names []string
	for _, s := range out {
		names = append(names, s.Name)
	}
	want := []string{"chat-backend", "chat-web", "alpha-web", "zeta-web"}
	if len(names) != len(want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("names %v, want %v", names, want)
		}
	}
	if out[0].Host != "prod-1" || !out[0].LastDeploy.Equal(deploy) || len(out[0].Containers) != 1 {
		t.Fatalf("inventory not joined: %+v", out[0])
	}
	if out[1].Metrics.RPS != Some(3) || len(out[1].Containers) != 0 {
		t.Fatalf("metrics not joined: %+v", out[1])
	}
}

func TestFeedState(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := Snapshot{At: now, Sources: []SourceStatus{
		{Name: "docker", Feeds: []Feed{FeedInventory}, Interval: 2 * time.Second, OK: true, UpdatedAt: now.Add(-time.Second), LastAttempt: now.Add(-time.Second)},
		{Name: "prometheus", Feeds: []Feed{FeedMetrics}, Interval: 2 * time.Second, OK: false, Err: "connection refused", UpdatedAt: now.Add(-time.Minute), LastAttempt: now},
		{Name: "am", Feeds: []Feed{FeedAlerts}, Interval: 2 * time.Second, OK: true, UpdatedAt: now.Add(-10 * time.Second), LastAttempt: now.Add(-10 * time.Second)},
	}}
	if f := s.Feed(FeedInventory); f.Stale || f.Err != "" || f.Pending {
		t.Fatalf("inventory %+v", f)
	}
	if f := s.Feed(FeedMetrics); !f.Stale || f.Err != "prometheus: connection refused" {
		t.Fatalf("metrics %+v", f)
	}
	if f := s.Feed(FeedAlerts); !f.Stale || f.Err != "" {
		t.Fatalf("alerts older than two intervals must be stale: %+v", f)
	}
	if f := s.Feed(FeedDatabases); f.Err != "no source configured" {
		t.Fatalf("databases %+v", f)
	}
	if got := s.LastError(); got != "prometheus: connection refused" {
		t.Fatalf("last error %q", got)
	}
	if !s.LastUpdate().Equal(now.Add(-time.Second)) {
		t.Fatalf("last update %v", s.LastUpdate())
	}
}

func TestMergeJoinsAServiceFoundOnSeveralEngines(t *testing.T) {
	inventory := []Service{
		{Project: "chat", Name: "chat-backend", Host: "prod-1", Containers: []Container{running("chat-backend-1")}},
		{Project: "chat", Name: "chat-backend", Host: "prod-2", Containers: []Container{running("chat-backend-2")}},
		{Project: "chat", Name: "chat-backend", Host: "prod-1", Containers: []Container{running("chat-backend-3")}},
	}
	out := Merge(nil, inventory, Partial{})
	if len(out) != 1 || len(out[0].Containers) != 3 || out[0].Host != "prod-1,prod-2" {
		t.Fatalf("merged %+v", out)
	}
	if len(inventory[0].Containers) != 1 {
		t.Fatal("Merge must not modify the inventory it was given")
	}
}

func TestMetricsFillTakesOnlyMissingFigures(t *testing.T) {
	prom := Metrics{RPS: Some(10), CPUPct: Some(50)}
	stats := Metrics{CPUPct: Some(99), MemBytes: Some(1 << 20)}
	got := prom.Fill(stats)
	if got.RPS != Some(10) || got.CPUPct != Some(50) || got.MemBytes != Some(1<<20) || got.P95MS.Valid {
		t.Fatalf("fill: %+v", got)
	}
}

func TestSortAlerts(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	as := []Alert{
		{Name: "old-warning", Severity: SeverityWarning, State: AlertFiring, Since: t0},
		{Name: "pending-critical", Severity: SeverityCritical, State: AlertPending, Since: t0.Add(time.Hour)},
		{Name: "info", Severity: SeverityInfo, State: AlertFiring, Since: t0.Add(time.Hour)},
		{Name: "new-warning", Severity: SeverityWarning, State: AlertFiring, Since: t0.Add(time.Minute)},
		{Name: "critical", Severity: SeverityCritical, State: AlertFiring, Since: t0},
	}
	SortAlerts(as)
	var got []string
	for _, a := range as {
		got = append(got, a.Name)
	}
	want := []string{"critical", "new-warning", "old-warning", "info", "pending-critical"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

// Ended says how an action ended once, keeping what the executor added
// and dropping Go's context words.
func TestEndedSaysItOnce(t *testing.T) {
	for _, c := range []struct {
		result string
		err    error
		want   string
	}{
		{"cancelled", context.Canceled, "cancelled"},
		{"cancelled", fmt.Errorf("cancelled: %w", context.Canceled), "cancelled"},
		{"cancelled", fmt.Errorf("ssh tb: pg_restore: command cancelled: %w; after SIGTERM the command exited with status 1", context.Canceled),
			"cancelled: ssh tb: pg_restore: command cancelled; after SIGTERM the command exited with status 1"},
		{"timed out", fmt.Errorf("timed out: %w", context.DeadlineExceeded), "timed out"},
		{"timed out", fmt.Errorf("docker@local: wait for chat-web-1: %w", context.DeadlineExceeded), "timed out: docker@local: wait for chat-web-1"},
	} {
		e := Ended(c.result, c.err)
		if e.Error() != c.want || !errors.Is(e, c.err) {
			t.Errorf("Ended(%q, %q) = %q, want %q wrapping the cause", c.result, c.err, e, c.want)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{4 * time.Hour: "4h", 90 * time.Minute: "1h30m", 2 * time.Minute: "2m", 90 * time.Second: "1m30s"} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// A feed gathers what each of its sources said about its answer, named
// by source, warnings and infos apart, and nothing said about another feed.
func TestFeedStateGathersCaveats(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	up := func(name string, cv ...Caveat) SourceStatus {
		return SourceStatus{Name: name, Feeds: []Feed{FeedMetrics, FeedDatabases}, Interval: 2 * time.Second, OK: true,
			UpdatedAt: now, LastAttempt: now, Caveats: cv}
	}
	s := Snapshot{At: now, Sources: []SourceStatus{
		up("prometheus", Caveat{Feed: FeedMetrics, Text: "remote_read: down"}, Caveat{Feed: FeedDatabases, Text: "not a counter", Info: true}),
		up("thanos", Caveat{Feed: FeedMetrics, Text: "partial response"}),
	}}
	m := s.Feed(FeedMetrics)
	if !slices.Equal(m.Warnings, []string{"prometheus: remote_read: down", "thanos: partial response"}) || len(m.Infos) != 0 {
		t.Fatalf("metrics %+v", m)
	}
	if d := s.Feed(FeedDatabases); len(d.Warnings) != 0 || !slices.Equal(d.Infos, []string{"prometheus: not a counter"}) {
		t.Fatalf("databases %+v", d)
	}
}
