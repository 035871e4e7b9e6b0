package sim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

var operator = backend.Actor{User: "ana", Role: backend.RoleOperator}

// run plans and executes a on the fleet, with a short step.
func run(t *testing.T, x *Actions, a backend.Action) ([]backend.OutputLine, error) {
	t.Helper()
	a.Actor = operator
	p, err := x.Plan(context.Background(), a)
	if err != nil {
		t.Fatalf("plan %s %s: %v", a.Kind, a.Target, err)
	}
	var out []backend.OutputLine
	err = x.Execute(context.Background(), p, func(l backend.OutputLine) { out = append(out, l) })
	return out, err
}

// service is the inventory's and the telemetry's view of one service.
func inspect(t *testing.T, f *Fleet, name string) (backend.Service, backend.Partial) {
	t.Helper()
	tel := fetch(t, f, "prometheus")
	for _, s := range fetch(t, f, "docker").Services {
		if s.Name == name {
			return s, tel
		}
	}
	t.Fatalf("no %s in the inventory", name)
	return backend.Service{}, tel
}

func serviceDown(tel backend.Partial, name string) bool {
	for _, a := range tel.Alerts {
		if a.Name == "ServiceDown" && a.Service == name {
			return true
		}
	}
	return false
}

// A simulated stop leaves the containers exited (no figures, a
// ServiceDown alert, a failing health check) and a start runs them again,
// started at the start.
func TestStopAndStartChangeTheFleet(t *testing.T) {
	f, c := seedFleet(1)
	x := &Actions{Fleet: f, Step: time.Millisecond}
	if _, err := run(t, x, backend.Action{Kind: backend.ActKindStop, Target: "chat-web"}); err != nil {
		t.Fatal(err)
	}
	svc, tel := inspect(t, f, "chat-web")
	if svc.Containers[0].State != backend.StateExited || tel.Metrics["chat-web"].RPS.Valid || !serviceDown(tel, "chat-web") {
		t.Fatalf("after stop: %+v, metrics %+v, alerts %+v", svc.Containers, tel.Metrics["chat-web"], tel.Alerts)
	}
	if st, _ := backend.DefaultThresholds().Assess(svc); st != backend.StatusDown {
		t.Fatalf("a stopped service is %v", st)
	}
	for _, r := range f.CheckAll(context.Background()) {
		if r.Target.Name == "chat-web" && r.OK {
			t.Fatalf("a stopped service answers its health check: %+v", r)
		}
	}
	c.add(time.Minute)
	startAt := f.now()
	if _, err := run(t, x, backend.Action{Kind: backend.ActKindStart, Target: "chat-web"}); err != nil {
		t.Fatal(err)
	}
	svc, tel = inspect(t, f, "chat-web")
	if cs := svc.Containers[0]; cs.State != backend.StateRunning || !cs.StartedAt.Equal(startAt) || !tel.Metrics["chat-web"].RPS.Valid || serviceDown(tel, "chat-web") {
		t.Fatalf("after start at %v: %+v, metrics %+v", startAt, svc.Containers, tel.Metrics["chat-web"])
	}
}

// Restarting a crash-looping service fails with its reason, and it stays
// exited; a rollback to the release before brings it back.
func TestRestartOfACrashLoopFails(t *testing.T) {
	c := &clock{t: testNow}
	cfg := seedConfig(1, c.now)
	cfg.Profiles["chat-web"] = Profile{Down: true}
	f := New(cfg)
	x := &Actions{Fleet: f, Step: time.Millisecond}
	out, err := run(t, x, backend.Action{Kind: backend.ActKindRestart, Target: "chat-web"})
	reason := f.services[2].crashReason()
	if err == nil || !strings.Contains(err.Error(), "chat-web-1 exited (1) 2s after the restart: "+reason) {
		t.Fatalf("restart of a crash loop: err %v, want its reason %q", err, reason)
	}
	if last := out[len(out)-1]; last.Stream != "stderr" || !strings.Contains(last.Text, reason) {
		t.Fatalf("output ends %+v, want the reason on stderr", last)
	}
	before, _ := inspect(t, f, "chat-web")
	if before.Containers[0].State != backend.StateExited {
		t.Fatalf("after the failed restart: %+v", before.Containers)
	}
	if _, err := run(t, x, backend.Action{Kind: backend.ActKindRollback, Target: "chat-web"}); err != nil {
		t.Fatal(err)
	}
	svc, tel := inspect(t, f, "chat-web")
	k, _ := f.services[2].epoch(0, c.now().Unix())
	if cs := svc.Containers[0]; cs.State != backend.StateRunning || cs.Version != f.services[2].tag(k-1) || serviceDown(tel, "chat-web") {
		t.Fatalf("after the rollback: %+v", svc.Containers)
	}
}

// A plan names the containers the inventory shows, the blue/green ones
// of a blue/green service, and a restart runs each of them.
func TestPlanNamesTheShownContainers(t *testing.T) {
	c := &clock{t: testNow}
	cfg := seedConfig(1, c.now)
	cfg.BlueGreen = []string{"chat-backend"}
	f := New(cfg)
	x := &Actions{Fleet: f, Step: time.Millisecond}
	p, err := x.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend", Actor: operator})
	if err != nil {
		t.Fatal(err)
	}
	svc, _ := inspect(t, f, "chat-backend")
	if len(p.Steps) != len(svc.Containers) {
		t.Fatalf("steps %q for containers %+v", p.Steps, svc.Containers)
	}
	for i, c := range svc.Containers {
		if want := "docker@prod-1: restart " + c.Name + " (simulated)"; p.Steps[i] != want {
			t.Errorf("step %d = %q, want %q", i, p.Steps[i], want)
		}
	}
}

// A restore takes its time, a line per table, and a cancel stops it
// between two.
func TestRestoreTakesTimeAndCancels(t *testing.T) {
	f, _ := seedFleet(1)
	x := &Actions{Fleet: f, Step: time.Millisecond}
	out, err := run(t, x, backend.Action{Kind: backend.ActKindRestore, Target: "chat"})
	if err != nil || len(out) < len(restoreTables)+4 {
		t.Fatalf("restore: %d lines, err %v", len(out), err)
	}
	x.Step = time.Hour // it would take days: only the cancel ends it
	p, err := x.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestore, Target: "chat", Actor: operator})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	lines := make(chan backend.OutputLine, 64)
	done := make(chan error, 1)
	go func() { done <- x.Execute(ctx, p, func(l backend.OutputLine) { lines <- l }) }()
	<-lines // the restore has started
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled restore: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the restore did not stop when cancelled")
	}
}

// A silence honours its matchers: the alert it matches is shown silenced
// until the silence ends, others still fire; the plan states every
// matcher, the duration and the comment; an expired silence cannot be
// expired again.
func TestSilenceHonoursMatchers(t *testing.T) {
	c := &clock{t: testNow}
	cfg := seedConfig(1, c.now)
	cfg.Profiles["chat-web"] = Profile{RPS: 110, ErrorRatePct: 0.1, P95MS: 460, MemoryPct: 90} // a second HighMemoryUsage
	f := New(cfg)
	x := &Actions{Fleet: f, Step: time.Millisecond}
	a := backend.Action{Kind: backend.ActKindSilence, Target: "HighMemoryUsage", Actor: operator, Params: map[string]string{
		"match.alertname": "HighMemoryUsage", "match.service": "picture-backend", "duration": "2h", "comment": "fix rolling out"}}
	p, err := x.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(p.Steps, "\n")
	want := "alertmanager: silence alerts for 2h, until 2026-11-26 14:34 UTC (simulated)\n" +
		`where alertname="HighMemoryUsage"` + "\n" + `and service="picture-backend"` + "\n" + `created by ana, comment "fix rolling out"`
	if plan != want {
		t.Errorf("plan\n%s\nwant\n%s", plan, want)
	}
	if err := x.Execute(context.Background(), p, func(backend.OutputLine) {}); err != nil {
		t.Fatal(err)
	}
	states := map[string]backend.Alert{}
	for _, al := range fetch(t, f, "prometheus").Alerts {
		if al.Name == "HighMemoryUsage" {
			states[al.Service] = al
		}
	}
	if got := states["picture-backend"]; got.State != backend.AlertSilenced || !got.SilencedUntil.Equal(testNow.Add(2*time.Hour)) {
		t.Fatalf("the matched alert: %+v", got)
	}
	if got := states["chat-web"]; got.State != backend.AlertFiring {
		t.Fatalf("an alert the silence does not match: %+v", got)
	}
	ss, _ := x.Silences(context.Background())
	if len(ss) != 1 || ss[0].Matchers != "alertname=HighMemoryUsage service=picture-backend" || ss[0].State != "active" {
		t.Fatalf("silences %+v", ss)
	}
	if _, err := run(t, x, backend.Action{Kind: backend.ActKindExpire, Target: ss[0].ID}); err != nil {
		t.Fatal(err)
	}
	if al := fetch(t, f, "prometheus").Alerts; al[0].State != backend.AlertFiring {
		t.Fatalf("after the expiry: %+v", al[0])
	}
	_, err = x.Plan(context.Background(), backend.Action{Kind: backend.ActKindExpire, Target: ss[0].ID, Actor: operator})
	if err == nil || err.Error() != "expired at 2026-11-26 12:34 UTC already: nothing to expire" {
		t.Fatalf("expiring an expired silence: %v", err)
	}
}

// A rollback offers the releases the service ran before, newest first,
// goes to the one chosen (the one before by default), names it in every
// step, and refuses a version the service never ran.
func TestRollbackToANamedVersion(t *testing.T) {
	c := &clock{t: testNow}
	f := New(seedConfig(1, c.now))
	x := &Actions{Fleet: f, Step: time.Millisecond}
	s := f.services[2] // chat-web
	k, _ := s.epoch(0, c.now().Unix())
	a := backend.Action{Kind: backend.ActKindRollback, Target: "chat-web", Actor: operator}
	p, err := x.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Options) != rollbackReleases || p.Options[0].Value != s.tag(k-1) || p.Options[1].Value != s.tag(k-2) ||
		p.Options[0].Param != "version" || !strings.HasPrefix(p.Options[0].Label, s.tag(k-1)+" · deployed ") {
		t.Fatalf("options %+v, want %s, %s, … newest first", p.Options, s.tag(k-1), s.tag(k-2))
	}
	if !strings.Contains(p.Steps[0], "rollback chat-web-1 to "+s.tag(k-1)+" (simulated)") {
		t.Fatalf("steps %q", p.Steps)
	}
	a.Params = map[string]string{"version": s.tag(k - 3)}
	if _, err := run(t, x, a); err != nil {
		t.Fatal(err)
	}
	svc, _ := inspect(t, f, "chat-web")
	if v := svc.Containers[0].Version; v != s.tag(k-3) {
		t.Fatalf("after the rollback to %s it runs %s", s.tag(k-3), v)
	}
	a.Params = map[string]string{"version": "v9.9.9"}
	if _, err := x.Plan(context.Background(), a); err == nil || !strings.Contains(err.Error(), `version "v9.9.9" is not one it ran before`) {
		t.Fatalf("unknown version: %v", err)
	}
}
