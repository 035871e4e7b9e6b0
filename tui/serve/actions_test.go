package serve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
)

// fakeExecutor counts the calls that reached it; Execute blocks while
// hold is open.
type fakeExecutor struct {
	plans, executes atomic.Int32
	hold            chan struct{}
	started         chan struct{}
}

func (e *fakeExecutor) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	e.plans.Add(1)
	return backend.Plan{Action: a, Steps: []string{"fake: " + string(a.Kind) + " " + a.Target}, Timeout: time.Minute}, nil
}

func (e *fakeExecutor) Execute(ctx context.Context, _ backend.Plan, _ func(backend.OutputLine)) error {
	e.executes.Add(1)
	if e.started != nil {
		close(e.started)
	}
	if e.hold != nil {
		<-e.hold
	}
	return nil
}

// realRunner is backend/action's runner with the fake behind every kind
// and a temp audit log.
func realRunner(t *testing.T, ex *fakeExecutor) (*action.Runner, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	log, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	execs := map[backend.ActionKind]backend.ActionExecutor{}
	for _, k := range []backend.ActionKind{backend.ActKindRestart, backend.ActKindRollback, backend.ActKindStop, backend.ActKindStart,
		backend.ActKindRestore, backend.ActKindSilence, backend.ActKindExpire, backend.ActKindCommand} {
		execs[k] = ex
	}
	return &action.Runner{Audit: log, Executors: execs}, path
}

// A viewer who types every action key and palette command never reaches an
// executor; the keys do reach the console (it switches views and answers).
func TestViewerKeysNeverReachExecutor(t *testing.T) {
	ex := &fakeExecutor{}
	runner, auditPath := realRunner(t, ex)
	f := start(t, runner, nil)
	vw := f.open(t, f.viewer, "xterm-256color", 100, 30)
	vw.waitScreen("[read-only]", within)
	vw.send("2")
	vw.waitScreen("SERVICE STATUS", within)
	for _, row := range []string{"", "j", "j", "\r"} {
		vw.send(row)
		for _, k := range []string{"r", "R", "s", "S", "y", "\r"} {
			vw.send(k)
		}
		vw.send("\x1b") // esc out of a detail, if one opened
	}
	for _, cmd := range []string{"restart chat-backend", "rollback chat-backend", "stop chat", "start chat", "restore chat", "silence all", "r"} {
		vw.send(":" + cmd + "\r")
		vw.send("y\r")
	}
	// A last palette command the console must answer proves every key
	// before it was read.
	vw.send(":fleet\r")
	vw.waitScreen("FLEET · ", within)
	if p, e := ex.plans.Load(), ex.executes.Load(); p != 0 || e != 0 {
		t.Fatalf("viewer reached the executor: %d plans, %d executes", p, e)
	}
	// If the console asked the runner at all, the backend refused and
	// audited it as bob.
	entries, _, err := audit.Read(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Result != audit.ResultRefused || e.User != "bob" {
			t.Fatalf("audit entry of a viewer session that is not bob's refusal: %+v", e)
		}
	}
	t.Logf("executor calls: 0; audit entries (refusals): %d", len(entries))
}

// The runner a session gets is pinned to the session's key: a viewer's
// action claiming to be an operator is refused in the backend and audited
// with the viewer's fingerprint; an operator's runs and is audited before
// and after with hers.
func TestSessionRunnerPinsActor(t *testing.T) {
	ex := &fakeExecutor{}
	runner, auditPath := realRunner(t, ex)
	f := start(t, runner, nil)
	ring := f.srv.cfg.Keys
	bob, _ := ring.Lookup(f.viewer.PublicKey())
	alice, _ := ring.Lookup(f.operator.PublicKey())
	ctx := context.Background()

	vOpts := f.srv.sessionOptions(&session{id: bob, scope: ctx})
	if !vOpts.ReadOnly || vOpts.Actor != bob.Actor() {
		t.Fatalf("viewer options: ReadOnly=%v Actor=%+v", vOpts.ReadOnly, vOpts.Actor)
	}
	forged := backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend", Actor: alice.Actor()}
	if _, err := vOpts.Actions.Plan(ctx, forged); !errors.Is(err, action.ErrRefused) {
		t.Fatalf("viewer Plan with a forged operator actor: %v", err)
	}
	if err := vOpts.Actions.Execute(ctx, backend.Plan{Action: forged}, nil); !errors.Is(err, action.ErrRefused) {
		t.Fatalf("viewer Execute with a forged operator actor: %v", err)
	}
	if n := ex.plans.Load() + ex.executes.Load(); n != 0 {
		t.Fatalf("forged viewer action reached the executor %d times", n)
	}

	oOpts := f.srv.sessionOptions(&session{id: alice, scope: ctx})
	if oOpts.ReadOnly {
		t.Fatal("operator console is read-only")
	}
	p, err := oOpts.Actions.Plan(ctx, backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend"})
	if err != nil {
		t.Fatal(err)
	}
	if err := oOpts.Actions.Execute(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	entries, _, err := audit.Read(auditPath)
	if err != nil || len(entries) != 4 {
		t.Fatalf("audit: %v, %d entries, want 2 refusals + before + after", err, len(entries))
	}
	for i, e := range entries {
		want, wantFP := "bob", gossh.FingerprintSHA256(f.viewer.PublicKey())
		if i >= 2 {
			want, wantFP = "alice", gossh.FingerprintSHA256(f.operator.PublicKey())
		}
		if e.User != want || e.Fingerprint != wantFP {
			t.Errorf("audit entry %d is by %s %s, want %s %s", i, e.User, e.Fingerprint, want, wantFP)
		}
	}
	if entries[0].Result != audit.ResultRefused || entries[3].Phase != audit.PhaseAfter || entries[3].Result != audit.ResultOK {
		t.Errorf("audit results: %+v", entries)
	}
}

// Shutdown waits for an action still executing, so its closing audit entry
// is written, and admits no new one.
func TestShutdownWaitsForRunningAction(t *testing.T) {
	ex := &fakeExecutor{hold: make(chan struct{}), started: make(chan struct{})}
	runner, auditPath := realRunner(t, ex)
	f := start(t, runner, nil)
	alice, _ := f.srv.cfg.Keys.Lookup(f.operator.PublicKey())
	opts := f.srv.sessionOptions(&session{id: alice, scope: context.Background()})
	ctx := context.Background()
	p, err := opts.Actions.Plan(ctx, backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = opts.Actions.Execute(ctx, p, nil) }()
	<-ex.started
	stopped := make(chan error, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		stopped <- f.srv.Shutdown(sctx)
	}()
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) while an action was executing", err)
	case <-time.After(300 * time.Millisecond): // long enough to see it did not return
	}
	if err := opts.Actions.Execute(ctx, p, nil); !errors.Is(err, ErrShuttingDown) {
		t.Fatalf("new action during shutdown: %v", err)
	}
	close(ex.hold)
	if err := <-stopped; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	wg.Wait()
	entries, _, _ := audit.Read(auditPath)
	if len(entries) != 2 || entries[1].Phase != audit.PhaseAfter || !strings.HasPrefix(entries[1].Fingerprint, "SHA256:") {
		t.Fatalf("audit after shutdown: %+v", entries)
	}
}

// Export writes a file where the server runs, at a path the user types: a
// remote session (even an operator's) gets a notice instead, by key and by
// palette, and nothing is written.
func TestExportIsOffOverSSH(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := start(t, nil, nil)
	op := f.open(t, f.operator, "xterm-256color", 160, 30)
	op.waitScreen("SYSTEM HEALTH", within)
	op.send("e")
	op.waitScreen("export writes files on the server", within)
	op.send("\r")
	op.send(":export\r")
	op.send(":fleet\r") // answered only after every key before it was read
	op.waitScreen("FLEET · ", within)
	if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
		t.Fatalf("files in the server's directory after export keys: %v %v", ents, err)
	}
}
