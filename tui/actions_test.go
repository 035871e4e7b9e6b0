package tui

import (
	tea "charm.land/bubbletea/v2"

	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/kit"
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

// actionModel is the demo console model with runner r and no confirm
// grace (the grace has its own test), not started yet.
func actionModel(t *testing.T, r backend.ActionRunner, snap backend.Snapshot, readOnly bool) *Model {
	t.Helper()
	opts := testOptions(&staticHub{snap: snap}, readOnly, &fakeLogs{})
	opts.Actions = r
	m := New(t.Context(), opts)
	m.confirm.grace = 0
	return m
}

// actionConsole is actionModel running at 120x30 on the demo fleet.
func actionConsole(t *testing.T, r backend.ActionRunner) *console {
	t.Helper()
	return &console{Term: startUI(t, actionModel(t, r, demoSnapshot(t), false), 120, 30)}
}

// openFirstProject shows the services tab and opens its first project
// (mana-core-auth), whose row the service keys act on.
func openFirstProject(c *console) {
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("enter")
	c.WaitFor("MANA-CORE-AUTH · ")
}

func TestRestartNeedsTheServiceNameTyped(t *testing.T) {
	r := &fakeRunner{}
	c := actionConsole(t, r)
	openFirstProject(c)
	c.Keys("r")
	got := c.WaitScreen("the confirmation with the plan", func(s string) bool { return strings.Contains(s, "Type mana-core-auth and press enter") })
	if !strings.Contains(got, "This will:") || !strings.Contains(got, "• docker@test: restart mana-core-auth") {
		t.Fatalf("no confirmation with the plan:\n%s", got)
	}
	c.Keys("enter") // nothing typed yet
	c.Type("mana-core-aut\n")
	// Had enter confirmed, the dialog would be gone and h not typed in it.
	c.Type("h")
	c.WaitFor("> mana-core-auth")
	if n := len(r.runs()); n != 0 {
		t.Fatalf("a wrong or partial name confirmed the restart (%d runs)", n)
	}
	c.Keys("enter")
	got = c.WaitScreen("the action to end", func(s string) bool { return strings.Contains(s, "mana-core-auth: done") })
	for _, want := range []string{"RESTART mana-core-auth", "✔ done in", "step one", "a warning", "restart mana-core-auth: done"} {
		if !strings.Contains(got, want) {
			t.Errorf("action view lacks %q:\n%s", want, got)
		}
	}
	runs := r.runs()
	if len(runs) != 1 || runs[0].Action.Target != "mana-core-auth" || runs[0].Action.Actor.User != "local" {
		t.Fatalf("executed %+v", runs)
	}
}

func TestEscCancelsTheConfirmation(t *testing.T) {
	r := &fakeRunner{}
	c := actionConsole(t, r)
	openFirstProject(c)
	c.Keys("r")
	c.WaitFor("Type mana-core-auth and press enter")
	c.Keys("esc")
	c.WaitFor("cancelled, nothing done")
	if got := c.WaitDrawn(); strings.Contains(got, "This will:") {
		t.Fatalf("the dialog is still open:\n%s", got)
	}
	final := quit(c.Term)
	if final.confirm.open() || len(r.runs()) != 0 {
		t.Fatal("esc did not cancel")
	}
}

// manualClock is a clock the test moves; the program reads it.
type manualClock struct{ ns atomic.Int64 }

func (c *manualClock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *manualClock) add(d time.Duration) { c.ns.Add(int64(d)) }
func newManualClock(at time.Time) *manualClock {
	c := &manualClock{}
	c.ns.Store(at.UnixNano())
	return c
}

func TestKeyInFlightCannotConfirm(t *testing.T) {
	r := &fakeRunner{}
	m := actionModel(t, r, demoSnapshot(t), false)
	clock := newManualClock(time.Unix(1000, 0))
	m.confirm.now = clock.now
	m.confirm.grace = confirmGrace
	c := &console{Term: startUI(t, m, 120, 30)}
	openFirstProject(c)
	c.Keys("S") // start is confirmed with y
	c.WaitFor("Proceed? y confirm")
	clock.add(confirmGrace / 2)
	c.Keys("y")
	if f := c.Sync(); !strings.Contains(f, "Proceed? y confirm") || len(r.runs()) != 0 {
		t.Fatalf("a key inside the grace period confirmed:\n%s", tuitest.PlainText(f, 30))
	}
	clock.add(confirmGrace)
	c.Keys("y")
	c.WaitFor("start mana-core-auth: done")
	if n := len(r.runs()); n != 1 {
		t.Fatalf("y after the grace period ran %d actions, want 1", n)
	}
}

func TestCtrlCCancelsARunningActionInsteadOfQuitting(t *testing.T) {
	r := &fakeRunner{block: true, started: make(chan struct{})}
	c := actionConsole(t, r)
	openFirstProject(c)
	c.Keys("S")
	c.WaitFor("Proceed? y confirm")
	c.Keys("y")
	select {
	case <-r.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the action never started")
	}
	// q goes back from the action's screen, then from the project, as esc
	// does; on the tab it would quit, and warns instead.
	c.Keys("q", "q", "q")
	c.WaitFor("still running")
	c.Keys("ctrl+c")
	c.WaitFor("start mana-core-auth: context canceled")
	if final := quit(c.Term); len(final.running) != 0 {
		t.Fatalf("%d actions still running", len(final.running))
	}
}

func TestSilenceAsksDurationAndComment(t *testing.T) {
	r := &fakeRunner{}
	c := actionConsole(t, r)
	c.Send(kit.ActionMsg{Kind: backend.ActKindSilence, Target: "HighMemory", Params: map[string]string{"match.alertname": "HighMemory"}})
	got := c.WaitScreen("the silence form", func(s string) bool { return strings.Contains(s, "comment") })
	if !strings.Contains(got, "duration") {
		t.Fatalf("no silence form:\n%s", got)
	}
	c.Keys("right", "tab") // 2h → 4h, to the comment
	c.Type("known leak, fix deploying\n")
	c.WaitFor("Proceed? y confirm")
	c.Keys("y")
	c.WaitFor("silence HighMemory: done")
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
	c := actionConsole(t, r)
	c.Send(kit.ActionMsg{Kind: backend.ActKindRestore, Target: "chat"})
	got := c.WaitScreen("the restore confirmation", func(s string) bool { return strings.Contains(s, "from /b/new.dump") })
	if !strings.Contains(got, "old") {
		t.Fatalf("restore confirmation lacks the dumps:\n%s", got)
	}
	c.Keys("down")
	c.WaitFor("from /b/old.dump")
	c.Type("chat\n")
	c.WaitFor("restore chat: done")
	if runs := r.runs(); len(runs) != 1 || runs[0].Action.Params["dump"] != "/b/old.dump" {
		t.Fatalf("executed %+v", runs)
	}
}

func TestUnconfiguredActionSaysSo(t *testing.T) {
	c := actionConsole(t, &fakeRunner{})
	c.Send(kit.ActionMsg{Kind: backend.ActKindRollback, Target: "chat-backend"})
	c.WaitFor("rollback chat-backend: not configured")
}

// The grace is for a dialog that just opened: once another dump is chosen
// (the plan made again for it), the name typed next is taken at once.
func TestGraceOnlyWhenTheDialogOpens(t *testing.T) {
	clock := newManualClock(time.Unix(1000, 0))
	d := newConfirmDialog()
	d.now = clock.now
	a := backend.Action{ID: "x1", Kind: backend.ActKindRestore, Target: "chat"}
	d.ask(a, nil)
	opts := []backend.ParamOption{{Param: "dump", Value: "/d/1.dump", Label: "1"}, {Param: "dump", Value: "/d/2.dump", Label: "2"}}
	d.planned(backend.Plan{Action: a, Destructive: true, Confirm: "chat", Options: opts})
	d.seenAll = true
	clock.add(confirmGrace)
	if _, res := d.update(tea.KeyPressMsg{Code: tea.KeyDown}); res != confirmPlan {
		t.Fatalf("down on the dumps: %v, want a new plan", res)
	}
	d.planned(backend.Plan{Action: d.action, Destructive: true, Confirm: "chat", Options: opts})
	d.seenAll = true
	d.update(tea.KeyPressMsg{Code: 'c', Text: "c"})
	if got := d.typed.Value(); got != "c" {
		t.Fatalf("typed right after choosing another dump: %q, want c", got)
	}
	// A new action's dialog has its grace again.
	b := backend.Action{ID: "x2", Kind: backend.ActKindRestore, Target: "chat"}
	d.ask(b, nil)
	d.planned(backend.Plan{Action: b, Destructive: true, Confirm: "chat"})
	d.update(tea.KeyPressMsg{Code: 'c', Text: "c"})
	if got := d.typed.Value(); got != "" {
		t.Fatalf("typed inside a new dialog's grace: %q", got)
	}
}
