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

// bgSpecs: chat is mid-canary, picture is fully cut over to green 20
// minutes ago (the rollback window runs).
var bgSpecs = []deploy.Spec{
	{Project: "chat", Service: "chat-backend", Commands: deploy.Commands{Shift: "chat-weight", Promote: "chat-switch", Rollback: "chat-switch", Decommission: "chat-down"}},
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

// bgAudit: a canary shift of chat by alice, the promote of picture.
func bgAudit() []audit.Pair {
	e := func(id string, at time.Time, target string, p map[string]string) []audit.Entry {
		b := audit.Entry{ID: id, Time: at, Phase: audit.PhaseBefore, User: "alice", Kind: backend.ActKindCommand, Target: target, Params: p}
		a := b
		a.Phase, a.Result, a.Time = audit.PhaseAfter, audit.ResultOK, at.Add(2*time.Second)
		return []audit.Entry{b, a}
	}
	var entries []audit.Entry
	entries = append(entries, e("1", testNow.Add(-10*time.Minute), "chat-weight", deploy.Params(bgSpecs[0], deploy.StepShift, "green", "10", "v1.6.0"))...)
	entries = append(entries, e("2", testNow.Add(-20*time.Minute), "pic-switch", deploy.Params(bgSpecs[1], deploy.StepPromote, "green", "100", "v2.1.0"))...)
	return audit.Pairs(entries)
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
	if pairs == nil {
		pairs = bgAudit()
	}
	m := New(t.Context(), Options{Hub: &staticHub{snap: snap}, Keys: keymap.Default(), Clock: fixedClock, NoTick: true, ReadOnly: readOnly,
		Actions: r, Deployments: bgSpecs,
		Deps: kit.Deps{AuditPairs: func(context.Context) ([]audit.Pair, error) { return pairs, nil }}})
	m.confirm.grace = 0
	c := &console{Term: startUI(t, m, w, h)}
	c.Keys("0")
	c.WaitFor("last: 2026-11-26 12:24") // the tab read the history when shown
	return c
}

var passing = backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(0.1), P95MS: backend.Some(850)}

// TestDeploysScreens goldens the tab (canary passing, canary failing) and
// the history detail at both sizes.
func TestDeploysScreens(t *testing.T) {
	failing := backend.Metrics{RPS: backend.Some(10), ErrorRatePct: backend.Some(3.2), P95MS: backend.Some(1400)}
	for _, c := range []struct {
		name  string
		green backend.Metrics
		steps []step
	}{
		{"passing", passing, nil},
		{"failing", failing, nil},
		{"window", passing, []step{keys("rollback window 40m0s left", "j", "j")}},
		{"history", passing, []step{keys("DEPLOYMENT HISTORY · CHAT", "enter")}},
	} {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, sz.w, sz.h), func(t *testing.T) {
				con := bgConsole(t, bgSnapshot(t, c.green), sz.w, sz.h, false, nil, nil)
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
	c := bgConsole(t, bgSnapshot(t, passing), 160, 48, false, nil, nil)
	got := c.WaitDrawn()
	for _, want := range []string{"PROMOTE  green v1.6.0 passes at 10%", "0.10 ✓<1%", "850ms ✓<1s", "last: 2026-11-26 12:24 shift green v1.6.0 by alice · ok"} {
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
	c := bgConsole(t, bgSnapshot(t, passing), 160, 48, false, r, nil)
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
	}
	if strings.Join(ran, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ran\n%s\nwant\n%s", strings.Join(ran, "\n"), strings.Join(want, "\n"))
	}

	ro := &cmdRunner{}
	c = bgConsole(t, bgSnapshot(t, passing), 160, 48, true, ro, nil)
	c.Keys("j", "P", "B", "T")
	if got := c.WaitDrawn(); strings.Contains(got, "promote colour") || strings.Contains(got, "This will:") {
		t.Errorf("read-only shows deploy keys or a confirmation:\n%s", got)
	}
	final := quit(c.Term)
	if len(ro.runs()) != 0 || final.confirm.open() {
		t.Errorf("read-only ran deploy keys: %v, confirm open %v", ro.runs(), final.confirm.open())
	}
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
