package action

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
)

// stepExec plans one step and runs fn.
type stepExec struct {
	calls int
	fn    func(ctx context.Context) error
}

func (s *stepExec) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	return backend.Plan{Action: a, Steps: []string{"do " + a.Target}, Timeout: 200 * time.Millisecond}, nil
}

func (s *stepExec) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	s.calls++
	out(backend.OutputLine{Text: "working"})
	return s.fn(ctx)
}

var operator = backend.Actor{User: "ana", Fingerprint: "SHA256:abc", Role: backend.RoleOperator}

func newRunner(t *testing.T, ex backend.ActionExecutor) (*Runner, string, *[]Outcome) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var done []Outcome
	r := &Runner{Audit: l, Executors: map[backend.ActionKind]backend.ActionExecutor{backend.ActKindRestart: ex},
		Incident: func() string { return "inc-1" }, Done: func(o Outcome) { done = append(done, o) }}
	return r, path, &done
}

func entries(t *testing.T, path string) []audit.Entry {
	t.Helper()
	e, bad, err := audit.Read(path)
	if err != nil || bad != 0 {
		t.Fatalf("read audit: %v (%d bad)", err, bad)
	}
	return e
}

func TestRunnerAuditsBeforeAndAfter(t *testing.T) {
	ex := &stepExec{fn: func(context.Context) error { return nil }}
	r, path, done := newRunner(t, ex)
	p, err := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend", Actor: operator})
	if err != nil {
		t.Fatal(err)
	}
	var lines int
	if err := r.Execute(context.Background(), p, func(backend.OutputLine) { lines++ }); err != nil {
		t.Fatal(err)
	}
	e := entries(t, path)
	if len(e) != 2 || e[0].Phase != audit.PhaseBefore || e[1].Phase != audit.PhaseAfter {
		t.Fatalf("entries %+v", e)
	}
	if e[0].ID == "" || e[0].ID != e[1].ID || e[0].Fingerprint != "SHA256:abc" || e[0].Steps[0] != "do chat-backend" || e[0].Incident != "inc-1" {
		t.Fatalf("before entry %+v", e[0])
	}
	if e[1].Result != audit.ResultOK || lines != 1 || len(*done) != 1 || (*done)[0].Result != audit.ResultOK {
		t.Fatalf("after %+v, %d lines, done %+v", e[1], lines, *done)
	}
}

func TestRunnerRefusesViewersInTheBackend(t *testing.T) {
	ex := &stepExec{fn: func(context.Context) error { return nil }}
	r, path, _ := newRunner(t, ex)
	viewer := backend.Actor{User: "vic", Role: backend.RoleViewer}
	a := backend.Action{ID: "v1", Kind: backend.ActKindRestart, Target: "chat-backend", Actor: viewer}
	if _, err := r.Plan(context.Background(), a); !errors.Is(err, ErrRefused) {
		t.Fatalf("plan by a viewer: %v", err)
	}
	// A plan forged for a viewer is refused at execution too.
	err := r.Execute(context.Background(), backend.Plan{Action: a}, nil)
	if !errors.Is(err, ErrRefused) || ex.calls != 0 {
		t.Fatalf("execute by a viewer: %v, %d calls", err, ex.calls)
	}
	e := entries(t, path)
	if len(e) != 2 || e[0].Result != audit.ResultRefused || e[0].User != "vic" {
		t.Fatalf("refusals not audited: %+v", e)
	}
}

func TestRunnerTimeoutAndCancel(t *testing.T) {
	ex := &stepExec{fn: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	r, path, _ := newRunner(t, ex)
	p, _ := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "x", Actor: operator})
	err := r.Execute(context.Background(), p, nil) // plan timeout 200ms
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	err = r.Execute(ctx, p, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	e := entries(t, path)
	if len(e) != 4 || e[1].Result != audit.ResultTimedOut || e[3].Result != audit.ResultCancelled || e[3].DurationMS <= 0 {
		t.Fatalf("entries %+v", e)
	}
}

func TestRunnerDoesNotActWithoutAnAuditEntry(t *testing.T) {
	ex := &stepExec{fn: func(context.Context) error { return nil }}
	r, path, _ := newRunner(t, ex)
	p, _ := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "x", Actor: operator})
	r.Audit.Close()
	if err := r.Execute(context.Background(), p, nil); err == nil || ex.calls != 0 {
		t.Fatalf("ran without audit: %v, %d calls", err, ex.calls)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func TestRunnerUnknownKind(t *testing.T) {
	r, _, _ := newRunner(t, &stepExec{})
	_, err := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestore, Target: "chat", Actor: operator})
	if !errors.Is(err, ErrNoExecutor) {
		t.Fatalf("got %v", err)
	}
}
