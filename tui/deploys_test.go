package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/kit"
)

// bgSpecs: chat is mid-canary (monitored 5 minutes, green's health URL
// checked, a migration before the promote), picture is fully cut over to
// green 20 minutes ago (the rollback window runs).
var bgSpecs = []deploy.Spec{
	{Project: "chat", Service: "chat-backend", Monitor: 5 * time.Minute,
		HealthURLs: map[string][]string{"green": {"http://10.0.1.11:3002/api/health"}},
		Commands:   deploy.Commands{Shift: "chat-weight", Promote: "chat-switch", Rollback: "chat-switch", Decommission: "chat-down", Migrate: "chat-migrate"}},
	{Project: "picture", Service: "picture-backend", Commands: deploy.Commands{Promote: "pic-switch", Rollback: "pic-switch", Decommission: "pic-down"}},
}

func bgSnapshot(t testing.TB, chatGreen backend.Metrics) backend.Snapshot {
	snap := demoSnapshot(t)
	c := func(name, colour, v string, at time.Time) backend.Container {
		return backend.Container{Name: name, Colour: colour, Version: v, State: backend.StateRunning, Health: backend.HealthHealthy, StartedAt: at}
	}
	mm := func(rps, e, p float64) backend.Metrics {
		return backend.Metrics{RPS: backend.Some(rps), ErrorRatePct: backend.Some(e), P95MS: backend.Some(p)}
	}
	svcs := append([]backend.Service(nil), snap.Services...)
	for i, s := range svcs {
		switch s.Name {
		case "chat-backend":
			s.Containers = []backend.Container{c("chat-backend-blue-1", "blue", "v1.5.2", testNow.Add(-26*time.Hour)),
				c("chat-backend-green-1", "green", "v1.6.0", testNow.Add(-12*time.Minute))}
			s.ColourMetrics = map[string]backend.Metrics{"blue": mm(90, 0.05, 120), "green": chatGreen}
		case "picture-backend":
			s.Containers = []backend.Container{c("picture-backend-blue-1", "blue", "v2.0.1", testNow.Add(-50*time.Hour)),
				c("picture-backend-green-1", "green", "v2.1.0", testNow.Add(-40*time.Minute))}
			s.ColourMetrics = map[string]backend.Metrics{"blue": mm(0, 0, 0), "green": mm(40, 0.2, 640)}
		}
		svcs[i] = s
	}
	snap.Services = svcs
	return snap
}

// bgAudit: a canary shift of chat by alice 10 minutes ago (its 5 minute
// monitor is over; the migration has not run), the promote of picture.
func bgAudit() []audit.Pair { return bgAuditWith(-10*time.Minute, "") }

// bgAuditWith is bgAudit with chat's shift at shift from now and, unless
// migrated is "", bob's migration of green 3 minutes ago with that result.
func bgAuditWith(shift time.Duration, migrated string) []audit.Pair {
	e := func(id string, at time.Time, user, target, result string, p map[string]string) []audit.Entry {
		b := audit.Entry{ID: id, Time: at, Phase: audit.PhaseBefore, User: user, Kind: backend.ActKindCommand, Target: target, Params: p}
		a := b
		a.Phase, a.Result, a.Time = audit.PhaseAfter, result, at.Add(2*time.Second)
		return []audit.Entry{b, a}
	}
	var entries []audit.Entry
	entries = append(entries, e("1", testNow.Add(shift), "alice", "chat-weight", audit.ResultOK, deploy.Params(bgSpecs[0], deploy.StepShift, "green", "10", "v1.6.0"))...)
	entries = append(entries, e("2", testNow.Add(-20*time.Minute), "alice", "pic-switch", audit.ResultOK, deploy.Params(bgSpecs[1], deploy.StepPromote, "green", "100", "v2.1.0"))...)
	if migrated != "" {
		entries = append(entries, e("3", testNow.Add(-3*time.Minute), "bob", "chat-migrate", migrated, deploy.Params(bgSpecs[0], deploy.StepMigrate, "green", "", "v1.6.0"))...)
	}
	return audit.Pairs(entries)
}

// colourHealth answers every health URL with code (0: refused).
type colourHealth struct{ code int }

func (h colourHealth) CheckTargets(_ context.Context, ts []backend.CheckTarget) []backend.CheckResult {
	out := make([]backend.CheckResult, len(ts))
	for i, t := range ts {
		out[i] = backend.CheckResult{Target: t, Code: h.code, OK: h.code/100 == 2, Latency: 31 * time.Millisecond, At: testNow}
		if h.code == 0 {
			out[i].Err = "connection refused"
		}
	}
	return out
}

// cmdRunner plans command actions (destructive, confirmed by the service
// name as runbook does) and records what ran.
type cmdRunner struct {
	mu  sync.Mutex
	ran []backend.Action
}

func (r *cmdRunner) Kinds() map[backend.ActionKind]bool {
	return map[backend.ActionKind]bool{backend.ActKindCommand: true}
}

func (r *cmdRunner) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	return backend.Plan{Action: a, Steps: []string{"tb-app: " + a.Target + " " + a.ParamString()}, Destructive: true, Confirm: a.Params["service"], Timeout: time.Minute}, nil
}

// runs is what ran so far.
func (r *cmdRunner) runs() []backend.Action {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]backend.Action(nil), r.ran...)
}

func (r *cmdRunner) Execute(_ context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	r.mu.Lock()
	r.ran = append(r.ran, p.Action)
	r.mu.Unlock()
	out(backend.OutputLine{At: testNow, Stream: "stdout", Text: "switched"})
	return nil
}

// bgConsole runs the console on snap with the blue/green deployments,
// their audit history (pairs; nil: bgAudit) and runner r, showing the
// deployments tab with its history read.
func bgConsole(t *testing.T, snap backend.Snapshot, w, h int, readOnly bool, r backend.ActionRunner, pairs []audit.Pair) *console {
	t.Helper()
	return bgConsoleChecked(t, snap, w, h, readOnly, r, pairs, colourHealth{200})
}

// bgConsoleChecked is bgConsole whose colour health URLs answer as hc does.
func bgConsoleChecked(t *testing.T, snap backend.Snapshot, w, h int, readOnly bool, r backend.ActionRunner, pairs []audit.Pair, hc backend.TargetChecker) *console {
	t.Helper()
	if pairs == nil {
		pairs = bgAudit()
	}
	m := New(t.Context(), Options{Hub: &staticHub{snap: snap}, Keys: keymap.Default(), Clock: fixedClock, NoTick: true, ReadOnly: readOnly,
		Actions: r, Deployments: bgSpecs,
		Deps: kit.Deps{Targets: hc, AuditPairs: func(context.Context) ([]audit.Pair, error) { return pairs, nil }}})
	m.confirm.grace = 0
	c := &console{Term: startUI(t, m, w, h)}
	c.Keys("0")
	c.WaitFor("last: 2026-11-26 12:") // the tab read the history when shown
	return c
}

var passing = backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(0.1), P95MS: backend.Some(850)}

// TestDeploysScreens goldens the tab (canary passing but not migrated,
// still monitored, ready to promote, with green's health check red or its
// migration failed, failing its gates) and the history detail at both
// sizes.
func TestDeploysScreens(t *testing.T) {
	failing := backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(3.2), P95MS: backend.Some(1400)}
	for _, c := range []struct {
		name   string
		green  backend.Metrics
		pairs  []audit.Pair
		health int
		steps  []step
	}{
		{"passing", passing, nil, 200, []step{keys("✔ health")}},
		{"monitoring", passing, bgAuditWith(-2*time.Minute, ""), 200, []step{keys("✔ health")}},
		{"ready", passing, bgAuditWith(-10*time.Minute, audit.ResultOK), 200, []step{keys("PROMOTE")}},
		{"health-red", passing, bgAuditWith(-10*time.Minute, audit.ResultOK), 503, []step{keys("✖ health")}},
		{"migrate-failed", passing, bgAuditWith(-10*time.Minute, audit.ResultFailed), 200, []step{keys("✖ migrate")}},
		{"failing", failing, nil, 200, []step{keys("✔ health")}},
		{"window", passing, nil, 200, []step{keys("rollback window 40m0s left", "j", "j")}},
		{"history", passing, nil, 200, []step{keys("DEPLOYMENT HISTORY · CHAT", "enter")}},
	} {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, sz.w, sz.h), func(t *testing.T) {
				con := bgConsoleChecked(t, bgSnapshot(t, c.green), sz.w, sz.h, false, nil, c.pairs, colourHealth{c.health})
				walk(t, con.Term, c.steps, "")
				golden.RequireEqual(t, []byte(con.WaitDrawn()))
			})
		}
	}
}

// TestDeploysWidthSweep: nothing wider or taller than the terminal.
func TestDeploysWidthSweep(t *testing.T) {
	for _, h := range []int{16, 24} {
		c := bgConsole(t, bgSnapshot(t, passing), 100, h, false, nil, nil)
		c.Keys("j")
		for w := 20; w <= 200; w += 3 {
			c.Resize(w, h)
			requireFits(t, "deploys", c.FrameAt(w, h), w, h)
		}
	}
}

func TestDeploysVerdictsOnScreen(t *testing.T) {
	c := bgConsole(t, bgSnapshot(t, passing), 160, 48, false, nil, bgAuditWith(-10*time.Minute, audit.ResultOK))
	got := c.WaitScreen("the promote", func(s string) bool { return strings.Contains(s, "PROMOTE  ") })
	for _, want := range []string{"PROMOTE  green v1.6.0 passes at 10%", "0.10 ✓<1%", "850ms ✓<1s", "last: 2026-11-26 12:31 migrate green v1.6.0 by bob · ok"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	c = bgConsole(t, bgSnapshot(t, backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(3.2), P95MS: backend.Some(400)}), 160, 48, false, nil, nil)
	if got := c.WaitDrawn(); !strings.Contains(got, "ROLL BACK  green v1.6.0 fails: error rate 3.20% ≥ 1.00%; send the traffic back to blue") {
		t.Errorf("no roll back verdict:\n%s", got)
	}
	c.Keys("j", "j")
	c.WaitFor("rollback window 40m0s left · cutover 12:14:56 · blue keeps running")
}

// TestDeployActions: each key asks the configured command with the
// parameters the placeholders and the history need, through the typed
// confirmation; decommission is refused while the window runs; read-only
// neither shows nor runs them.
func TestDeployActions(t *testing.T) {
	r := &cmdRunner{}
	c := bgConsole(t, bgSnapshot(t, passing), 160, 48, false, r, bgAuditWith(-10*time.Minute, audit.ResultOK))
	c.WaitFor("PROMOTE  green")
	c.Keys("j", "T") // chat green row: shift, asks the weight
	c.WaitFor("green gets %")
	c.Keys("right", "enter") // 10 → 25
	got := c.WaitScreen("the typed confirmation", func(s string) bool { return strings.Contains(s, "Type chat-backend and press enter") })
	if !strings.Contains(got, "step=shift") {
		t.Fatalf("no typed confirmation with the plan:\n%s", got)
	}
	// Each action runs in its own view; esc closes it, the next key asks.
	confirmed := func(n int) {
		t.Helper()
		c.Type("chat-backend\n")
		c.WaitFor("✔ done in")
		eventually(t, fmt.Sprintf("%d commands to run", n), func() bool { return len(r.runs()) == n })
	}
	confirmed(1)
	c.Keys("esc", "P")
	c.WaitFor("Type chat-backend and press enter")
	confirmed(2)
	c.Keys("esc", "B")
	c.WaitFor("Type chat-backend and press enter")
	confirmed(3)
	c.Keys("esc", "M")
	c.WaitFor("Type chat-backend and press enter")
	confirmed(4)
	c.Keys("esc", "D") // chat: blue still takes traffic
	c.WaitFor("decommission blue refused: it still takes traffic")
	c.Keys("j", "j", "D") // picture: window runs
	c.WaitFor("decommission blue refused: rollback window runs for 40m0s more")
	var ran []string
	for _, a := range r.runs() {
		ran = append(ran, a.Target+" "+a.ParamString())
	}
	want := []string{
		"chat-weight colour=green project=chat service=chat-backend step=shift version=v1.6.0 weight=25",
		"chat-switch colour=green project=chat service=chat-backend step=promote version=v1.6.0 weight=100",
		"chat-switch colour=blue project=chat service=chat-backend step=rollback version=v1.5.2 weight=100",
		"chat-migrate colour=green project=chat service=chat-backend step=migrate version=v1.6.0",
	}
	if strings.Join(ran, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ran\n%s\nwant\n%s", strings.Join(ran, "\n"), strings.Join(want, "\n"))
	}

	ro := &cmdRunner{}
	c = bgConsole(t, bgSnapshot(t, passing), 160, 48, true, ro, nil)
	c.Keys("j", "P", "B", "T", "M")
	if got := c.WaitDrawn(); strings.Contains(got, "promote colour") || strings.Contains(got, "This will:") {
		t.Errorf("read-only shows deploy keys or a confirmation:\n%s", got)
	}
	final := quit(c.Term)
	if len(ro.runs()) != 0 || final.confirm.open() {
		t.Errorf("read-only ran deploy keys: %v, confirm open %v", ro.runs(), final.confirm.open())
	}
}

// TestPromoteWaitsForTheFlow: P asks nothing and says why while the
// monitor runs (with the time left), while green's health check fails,
// before the migration ran, and on the colour in service; the help lists M.
func TestPromoteWaitsForTheFlow(t *testing.T) {
	for _, c := range []struct {
		name   string
		pairs  []audit.Pair
		health int
		want   string
	}{
		{"monitoring", bgAuditWith(-2*time.Minute, audit.ResultOK), 200, "✖ promote green refused: green v1.6.0 at 10%: monitoring, 3:02 left of 5m0s · gates holding"},
		{"health red", bgAuditWith(-10*time.Minute, audit.ResultOK), 0, "✖ promote green refused: green v1.6.0 held 5m0s at 10%; health check GREEN fails: http://10.0.1.11:3002/api/health connection refused"},
		{"not migrated", bgAuditWith(-10*time.Minute, ""), 200, "✖ promote green refused: green v1.6.0 held 5m0s at 10%; run the migration (chat-migrate) before the promote"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &cmdRunner{}
			con := bgConsoleChecked(t, bgSnapshot(t, passing), 200, 40, false, r, c.pairs, colourHealth{c.health})
			con.WaitFor(" health ")
			con.WaitScreen("a health result", func(s string) bool { return !strings.Contains(s, "○ health") })
			con.Keys("j", "P")
			con.WaitFor(c.want)
			if got := con.WaitDrawn(); strings.Contains(got, "This will:") || len(r.runs()) != 0 {
				t.Fatalf("promote asked or ran: %v\n%s", r.runs(), got)
			}
		})
	}
	r := &cmdRunner{}
	con := bgConsole(t, bgSnapshot(t, passing), 200, 40, false, r, bgAuditWith(-10*time.Minute, audit.ResultOK))
	con.WaitFor("PROMOTE  green")
	con.Keys("P") // the blue row: the colour in service
	con.WaitFor("✖ promote blue refused: blue is the colour in service and green the new one (B sends all traffic back to blue)")
	con.Keys("?")
	con.WaitFor("run the migration for the new colour")
}

// Versions come from image tags and users from the audit log: hostile ones
// are shown readably and never reach the terminal.
func TestDeploysRenderHostileVersionsHarmless(t *testing.T) {
	snap := bgSnapshot(t, backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(0.1), P95MS: backend.Some(300)})
	for i, s := range snap.Services {
		if s.Name == "chat-backend" {
			cs := append([]backend.Container(nil), s.Containers...)
			cs[1].Version = hostile
			snap.Services[i].Containers = cs
		}
	}
	pairs := bgAudit()
	pairs[0].Before.User = hostile
	pairs[0].Before.Params["version"] = hostile
	c := bgConsole(t, snap, 200, 40, false, &cmdRunner{}, pairs)
	requireHarmless(t, "deploys", c.Sync())
}
