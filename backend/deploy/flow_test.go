package deploy

import (
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// shiftAt is chat's canary shift to green 10 %, asked at at and done 2 s
// later, as History reads it from the audit log.
func shiftAt(at time.Time) []Event {
	b := audit.Entry{ID: "s", Time: at, Phase: audit.PhaseBefore, User: "alice", Kind: backend.ActKindCommand, Target: "chat-shift",
		Params: Params(spec, StepShift, "green", "10", "v1.6.0")}
	a := b
	a.Phase, a.Result, a.Time = audit.PhaseAfter, audit.ResultOK, at.Add(2*time.Second)
	return History(spec, audit.Pairs([]audit.Entry{b, a}), fleet(m(90, 0.05, 120), m(10, 0.1, 850)))
}

var canary = fleet(m(90, 0.05, 120), m(10, 0.1, 850))

func TestMonitorCountsFromTheShiftThatGaveTheCanaryItsTraffic(t *testing.T) {
	hist := shiftAt(t0.Add(2 * time.Minute)) // done at t0+2m2s
	watch := Watch{Since: t0}
	st := EvaluateWatched(spec, canary, hist, watch, t0.Add(5*time.Minute))
	if st.Verdict != VerdictHold || st.Reason != "green v1.6.0 at 10%: monitoring, 7:02 left of 10m0s · gates holding" {
		t.Fatalf("%s %q", st.Verdict, st.Reason)
	}
	if !st.Monitor.Active || st.Monitor.Held() || st.Monitor.Left != 7*time.Minute+2*time.Second || !st.Monitor.Since.Equal(t0.Add(2*time.Minute+2*time.Second)) || st.Monitor.Unwatched {
		t.Errorf("monitor %+v", st.Monitor)
	}
	if err := st.CanPromote("green"); err == nil || !strings.Contains(err.Error(), "promote green refused: green v1.6.0 at 10%: monitoring, 7:02 left") {
		t.Errorf("promote inside the period: %v", err)
	}
	// A second before the end it still holds; at the end it is promoted.
	if st := EvaluateWatched(spec, canary, hist, watch, t0.Add(12*time.Minute+time.Second)); st.Verdict != VerdictHold || !strings.Contains(st.Reason, "0:01 left") {
		t.Errorf("a second before: %s %q", st.Verdict, st.Reason)
	}
	st = EvaluateWatched(spec, canary, hist, watch, t0.Add(12*time.Minute+2*time.Second))
	if st.Verdict != VerdictPromote || !strings.Contains(st.Reason, "passes at 10%: error rate 0.10% < 1.00%, p95 850ms < 1000ms; held for 10m0s") || !st.Monitor.Held() {
		t.Errorf("after the period: %s %q %+v", st.Verdict, st.Reason, st.Monitor)
	}
	if err := st.CanPromote("green"); err != nil {
		t.Errorf("promote after the period: %v", err)
	}
	if err := st.CanPromote("blue"); err == nil || !strings.Contains(err.Error(), "blue is the colour in service and green the new one") {
		t.Errorf("promote of the stable colour: %v", err)
	}
}

func TestMonitorRestartsAfterAGateBreaks(t *testing.T) {
	hist := shiftAt(t0)
	// The gate fails now: roll back, and the clock stands at the full period.
	failing := fleet(m(90, 0.05, 120), m(10, 2.5, 850))
	now := t0.Add(20 * time.Minute)
	st := EvaluateWatched(spec, failing, hist, Watch{Since: t0}, now)
	if st.Verdict != VerdictRollback || !st.Monitor.Broken || st.Monitor.Left != 10*time.Minute || st.Monitor.Held() {
		t.Fatalf("failing: %s %q %+v", st.Verdict, st.Reason, st.Monitor)
	}
	if err := st.CanPromote("green"); err == nil || !strings.Contains(err.Error(), "fails: error rate 2.50% ≥ 1.00%") {
		t.Errorf("promote while failing: %v", err)
	}
	// It held again after a break seen at now: the period starts over.
	st = EvaluateWatched(spec, canary, hist, Watch{Since: t0, BrokeAt: now}, now.Add(4*time.Minute))
	if st.Verdict != VerdictHold || !strings.Contains(st.Reason, "monitoring, 6:00 left of 10m0s") || !st.Monitor.Since.Equal(now) {
		t.Errorf("after the break: %s %q %+v", st.Verdict, st.Reason, st.Monitor)
	}
	// A missing figure is a break as well: nothing says the gate held.
	nop95 := fleet(m(90, 0.05, 120), backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(0.1)})
	if st := EvaluateWatched(spec, nop95, hist, Watch{Since: t0}, now); st.Verdict != VerdictHold || !st.Monitor.Broken {
		t.Errorf("no p95: %s %q %+v", st.Verdict, st.Reason, st.Monitor)
	}
}

// With no shift in the audit log the canary's traffic is taken from its
// containers' start; a watcher that began later says so (Unwatched), as
// does a caller with no watch at all.
func TestMonitorWithoutAShiftStartsAtTheCanarysStart(t *testing.T) {
	st := EvaluateWatched(spec, canary, nil, Watch{Since: t0.Add(time.Minute)}, t0.Add(4*time.Minute))
	if !st.Monitor.Since.Equal(t0) || st.Monitor.Left != 6*time.Minute || !st.Monitor.Unwatched {
		t.Errorf("monitor %+v", st.Monitor)
	}
	if st := Evaluate(spec, canary, nil, t0.Add(4*time.Minute)); !st.Monitor.Unwatched {
		t.Errorf("no watch: %+v", st.Monitor)
	}
	s := spec
	s.Monitor = time.Minute
	if st := Evaluate(s, canary, nil, t0.Add(time.Minute)); st.Verdict != VerdictPromote {
		t.Errorf("a 1m monitor after 1m: %s %q", st.Verdict, st.Reason)
	}
}

func TestHealthCheckGreenGatesThePromote(t *testing.T) {
	s := spec
	s.HealthURLs = map[string][]string{"green": {"http://localhost:3002/api/health", "http://localhost:3002/ready"}}
	now := t0.Add(30 * time.Minute)
	res := func(url string, ok bool, code int, err string) backend.CheckResult {
		return backend.CheckResult{Target: backend.CheckTarget{Name: "chat-backend/green", URL: url}, OK: ok, Code: code, Err: err, At: now}
	}
	okRun := &HealthRun{Colour: "green", At: now.Add(-10 * time.Second), Results: []backend.CheckResult{
		res("http://localhost:3002/api/health", true, 200, ""), res("http://localhost:3002/ready", true, 204, "")}}
	cases := []struct {
		name   string
		run    *HealthRun
		state  StepState
		want   Verdict
		reason string
	}{
		{"not checked", nil, StepPending, VerdictHold, "held 10m0s at 10%; health check GREEN not done yet"},
		{"one URL fails", &HealthRun{Colour: "green", At: now, Results: []backend.CheckResult{
			res("http://localhost:3002/api/health", true, 200, ""), res("http://localhost:3002/ready", false, 503, "")}},
			StepFailed, VerdictHold, "health check GREEN fails: http://localhost:3002/ready HTTP 503"},
		{"refused", &HealthRun{Colour: "green", At: now, Results: []backend.CheckResult{res("http://localhost:3002/api/health", false, 0, "connection refused")}},
			StepFailed, VerdictHold, "fails: http://localhost:3002/api/health connection refused"},
		{"too old", &HealthRun{Colour: "green", At: now.Add(-HealthMaxAge - time.Second), Results: okRun.Results}, StepPending, VerdictHold, "not done yet"},
		{"blue's check", &HealthRun{Colour: "blue", At: now, Results: okRun.Results}, StepPending, VerdictHold, "not done yet"},
		{"before green went live", &HealthRun{Colour: "green", At: t0.Add(-time.Second), Results: okRun.Results}, StepPending, VerdictHold, "not done yet"},
		{"healthy", okRun, StepOK, VerdictPromote, "held for 10m0s; health GREEN ✔"},
	}
	for _, c := range cases {
		st := EvaluateWatched(s, canary, nil, Watch{Since: t0, Health: c.run}, now)
		if st.Health.State() != c.state || st.Verdict != c.want || !strings.Contains(st.Reason, c.reason) {
			t.Errorf("%s: state %d, %s %q; want %d, %s containing %q", c.name, st.Health.State(), st.Verdict, st.Reason, c.state, c.want, c.reason)
		}
	}
	// Without URLs of its own the colour is checked at the service's.
	s.HealthURLs, s.ServiceHealthURL = nil, "https://api-chat.manacore.app/api/health"
	if got := HealthTargets(s, "green"); len(got) != 1 || got[0].URL != s.ServiceHealthURL || got[0].Name != "chat-backend" {
		t.Errorf("targets %+v", got)
	}
	// Without any URL the step is not part of the flow.
	if st := Evaluate(spec, canary, nil, now); st.Health.State() != StepNone || st.Verdict != VerdictPromote {
		t.Errorf("no URL: %d %s %q", st.Health.State(), st.Verdict, st.Reason)
	}
}

func TestMigrationRunsBeforeThePromote(t *testing.T) {
	s := spec
	s.Commands.Migrate = "chat-migrate"
	now := t0.Add(30 * time.Minute)
	mig := func(at time.Time, result string) Event {
		return Event{At: at, Done: at.Add(time.Second), Step: StepMigrate, Colour: "green", Version: "v1.6.0", User: "bob", Result: result}
	}
	cases := []struct {
		name   string
		hist   []Event
		state  StepState
		want   Verdict
		reason string
	}{
		{"not run", nil, StepPending, VerdictHold, "held 10m0s at 10%; run the migration (chat-migrate) before the promote"},
		{"run for the last deploy", []Event{mig(t0.Add(-time.Hour), audit.ResultOK)}, StepPending, VerdictHold, "run the migration"},
		{"running", []Event{{At: now.Add(-time.Minute), Step: StepMigrate, Colour: "green", Result: "running"}}, StepRunning, VerdictHold, "the migration (chat-migrate) is running"},
		{"failed", []Event{mig(t0.Add(5*time.Minute), audit.ResultFailed)}, StepFailed, VerdictHold, "the migration (chat-migrate) failed at 13:05: run it again"},
		{"done", []Event{mig(t0.Add(5*time.Minute), audit.ResultOK)}, StepOK, VerdictPromote, "held for 10m0s; migrated"},
		{"done after a failure", []Event{mig(t0.Add(6*time.Minute), audit.ResultOK), mig(t0.Add(5*time.Minute), audit.ResultFailed)}, StepOK, VerdictPromote, "migrated"},
	}
	for _, c := range cases {
		st := EvaluateWatched(s, canary, c.hist, Watch{Since: t0}, now)
		if st.Migration.State() != c.state || st.Verdict != c.want || !strings.Contains(st.Reason, c.reason) {
			t.Errorf("%s: state %d, %s %q; want %d, %s containing %q", c.name, st.Migration.State(), st.Verdict, st.Reason, c.state, c.want, c.reason)
		}
	}
	if st := Evaluate(spec, canary, nil, now); st.Migration.State() != StepNone {
		t.Errorf("no migrate command: %d", st.Migration.State())
	}
}

func TestCountdown(t *testing.T) {
	for d, want := range map[time.Duration]string{
		6*time.Minute + 12*time.Second:                    "6:12",
		6*time.Minute + 11*time.Second + time.Millisecond: "6:12",
		time.Hour + 2*time.Minute + 3*time.Second:         "1:02:03",
		0:            "0:00",
		-time.Second: "0:00",
	} {
		if got := Countdown(d); got != want {
			t.Errorf("Countdown(%s) = %q, want %q", d, got, want)
		}
	}
}
