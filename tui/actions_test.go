package tui

import (
	"context"

	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views"
)

// fakeRunner plans every action as one step and records what it ran.
type fakeRunner struct {
	mu       sync.Mutex
	planned  []backend.Action
	executed []backend.Plan
	block    bool // Execute waits for ctx to end
	started  chan struct{}
}

func (f *fakeRunner) Kinds() map[backend.ActionKind]bool {
	return map[backend.ActionKind]bool{backend.ActKindRestart: true, backend.ActKindStart: true,
		backend.ActKindSilence: true, backend.ActKindRestore: true}
}

func (f *fakeRunner) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.planned = append(f.planned, a)
	p := backend.Plan{Action: a, Steps: []string{"docker@test: " + string(a.Kind) + " " + a.Target}, Timeout: time.Minute}
	switch a.Kind {
	case backend.ActKindRestart, backend.ActKindRestore:
		p.Destructive, p.Confirm = true, a.Target
	}
	if a.Kind == backend.ActKindRestore {
		p.Options = []backend.ParamOption{{Param: "dump", Value: "/b/new.dump", Label: "new"}, {Param: "dump", Value: "/b/old.dump", Label: "old"}}
		if a.Params["dump"] == "" {
			p.Action.Params = map[string]string{"dump": "/b/new.dump"}
		}
		p.Steps = append(p.Steps, "from "+p.Action.Params["dump"])
	}
	return p, nil
}

func (f *fakeRunner) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	f.mu.Lock()
	f.executed = append(f.executed, p)
	f.mu.Unlock()
	out(backend.OutputLine{At: testNow, Stream: "stdout", Text: "step one"})
	if f.block {
		close(f.started)
		<-ctx.Done()
		return ctx.Err()
	}
	out(backend.OutputLine{At: testNow, Stream: "stderr", Text: "a warning"})
	return nil
}

func (f *fakeRunner) runs() []backend.Plan {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]backend.Plan(nil), f.executed...)
}

// actionModel is the demo model with a fake runner and no confirm grace
// (the grace has its own test).
func actionModel(t *testing.T, r *fakeRunner) *Model {
	m := sized(t, demoSnapshot(t), 120, 30, false)
	m.opts.Actions = r
	m.confirm.grace = 0
	return m
}

// waitDone feeds the action's messages until it has finished.
func waitDone(t *testing.T, m *Model) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(m.running) > 0 && time.Now().Before(deadline) {
		for id, r := range m.running {
			send(m, r.next(id)())
		}
	}
	if len(m.running) > 0 {
		t.Fatal("action did not finish")
	}
}

func TestRestartNeedsTheServiceNameTyped(t *testing.T) {
	r := &fakeRunner{}
	m := actionModel(t, r)
	typeKeys(m, "2", "enter", "r") // services → first project (mana-core-auth) → restart
	got := plain(m)
	if !strings.Contains(got, "This will:") || !strings.Contains(got, "Type mana-core-auth and press enter") {
		t.Fatalf("no confirmation with the plan:\n%s", got)
	}
	typeKeys(m, "enter") // nothing typed yet
	typeText(m, "mana-core-aut")
	typeKeys(m, "enter")
	if len(r.runs()) != 0 {
		t.Fatal("a wrong or partial name confirmed the restart")
	}
	typeText(m, "h")
	typeKeys(m, "enter")
	waitDone(t, m)
	runs := r.runs()
	if len(runs) != 1 || runs[0].Action.Target != "mana-core-auth" || runs[0].Action.Actor.User != "local" {
		t.Fatalf("executed %+v", runs)
	}
	got = plain(m)
	for _, want := range []string{"RESTART mana-core-auth", "✔ done in", "step one", "a warning", "mana-core-auth: done"} {
		if !strings.Contains(got, want) {
			t.Errorf("action view lacks %q:\n%s", want, got)
		}
	}
}

func TestEscCancelsTheConfirmation(t *testing.T) {
	r := &fakeRunner{}
	m := actionModel(t, r)
	typeKeys(m, "2", "enter", "r", "esc")
	if m.confirm.open() || len(r.runs()) != 0 {
		t.Fatal("esc did not cancel")
	}
	if got := plain(m); !strings.Contains(got, "cancelled, nothing done") {
		t.Fatalf("no cancel notice:\n%s", got)
	}
}

func TestKeyInFlightCannotConfirm(t *testing.T) {
	r := &fakeRunner{}
	m := actionModel(t, r)
	now := time.Unix(1000, 0)
	m.confirm.now = func() time.Time { return now }
	m.confirm.grace = confirmGrace
	typeKeys(m, "2", "enter", "S") // start is confirmed with y
	if !strings.Contains(plain(m), "Proceed? y confirm") {
		t.Fatalf("no confirmation:\n%s", plain(m))
	}
	now = now.Add(confirmGrace / 2)
	typeKeys(m, "y")
	if len(r.runs()) != 0 || !m.confirm.open() {
		t.Fatal("a key inside the grace period confirmed")
	}
	now = now.Add(confirmGrace)
	typeKeys(m, "y")
	waitDone(t, m)
	if len(r.runs()) != 1 {
		t.Fatal("y after the grace period did not confirm")
	}
}

func TestCtrlCCancelsARunningActionInsteadOfQuitting(t *testing.T) {
	r := &fakeRunner{block: true, started: make(chan struct{})}
	m := actionModel(t, r)
	typeKeys(m, "2", "enter", "S", "y")
	<-r.started
	typeKeys(m, "q")
	if got := plain(m); !strings.Contains(got, "still running") {
		t.Fatalf("q while an action runs should refuse:\n%s", got)
	}
	typeKeys(m, "ctrl+c")
	waitDone(t, m)
	got := plain(m)
	if !strings.Contains(got, "✖ cancelled") {
		t.Fatalf("the action view should say cancelled:\n%s", got)
	}
}

func TestSilenceAsksDurationAndComment(t *testing.T) {
	r := &fakeRunner{}
	m := actionModel(t, r)
	send(m, views.ActionMsg{Kind: views.ActionSilence, Service: "HighMemory", Params: map[string]string{"match.alertname": "HighMemory"}})
	if got := plain(m); !strings.Contains(got, "duration") || !strings.Contains(got, "comment") {
		t.Fatalf("no silence form:\n%s", got)
	}
	typeKeys(m, "right", "tab") // 2h → 4h, to the comment
	typeText(m, "known leak, fix deploying")
	typeKeys(m, "enter")
	typeKeys(m, "y")
	waitDone(t, m)
	runs := r.runs()
	if len(runs) != 1 {
		t.Fatalf("silence not executed: %+v", runs)
	}
	p := runs[0].Action.Params
	if p["duration"] != "4h" || p["comment"] != "known leak, fix deploying" || p["match.alertname"] != "HighMemory" {
		t.Fatalf("params %v", p)
	}
}

func TestRestoreOffersTheDumpsAndReplans(t *testing.T) {
	r := &fakeRunner{}
	m := actionModel(t, r)
	send(m, views.ActionMsg{Kind: views.ActionRestore, Service: "chat"})
	if got := plain(m); !strings.Contains(got, "from /b/new.dump") || !strings.Contains(got, "old") {
		t.Fatalf("restore confirmation lacks the dumps:\n%s", got)
	}
	typeKeys(m, "down")
	if got := plain(m); !strings.Contains(got, "from /b/old.dump") {
		t.Fatalf("choosing the older dump did not re-plan:\n%s", got)
	}
	typeText(m, "chat")
	typeKeys(m, "enter")
	waitDone(t, m)
	if runs := r.runs(); len(runs) != 1 || runs[0].Action.Params["dump"] != "/b/old.dump" {
		t.Fatalf("executed %+v", runs)
	}
}

func TestUnconfiguredActionSaysSo(t *testing.T) {
	m := actionModel(t, &fakeRunner{})
	send(m, views.ActionMsg{Kind: views.ActionRollback, Service: "chat-backend"})
	if got := plain(m); !strings.Contains(got, "rollback chat-backend: not configured") {
		t.Fatalf("got:\n%s", got)
	}
}
