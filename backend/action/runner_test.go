package action

import (
	"context"
	"errors"
	"fmt"
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

// journal records what the runner told it, with the audit entries on
// disk at that moment, to check it is told after each entry is written.
type journal struct {
	path    string
	started []backend.Action
	ended   []Outcome
	entries []int // audit entries on disk at each call, in call order
}

func (j *journal) OpenID() string { return "inc-1" }

func (j *journal) ActionStarted(a backend.Action) {
	j.started = append(j.started, a)
	j.entries = append(j.entries, j.onDisk())
}

func (j *journal) ActionEnded(o Outcome) {
	j.ended = append(j.ended, o)
	j.entries = append(j.entries, j.onDisk())
}

func (j *journal) onDisk() int {
	e, _, _ := audit.Read(j.path)
	return len(e)
}

func newRunner(t *testing.T, ex backend.ActionExecutor) (*Runner, string, *journal) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	j := &journal{path: path}
	r := &Runner{Audit: l, Executors: map[backend.ActionKind]backend.ActionExecutor{backend.ActKindRestart: ex}, Journal: j}
	return r, path, j
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
	r, path, j := newRunner(t, ex)
	p, err := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend", Actor: operator, Origin: "sc_restart"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Action.Origin != "sc_restart" {
		t.Fatalf("the plan lost the action's origin: %+v", p.Action)
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
	if e[1].Result != audit.ResultOK || e[1].Incident != "inc-1" || lines != 1 {
		t.Fatalf("after %+v, %d lines", e[1], lines)
	}
	// The journal hears of the start once the before entry is on disk and
	// of the end once the after entry is, with the origin intact.
	if len(j.started) != 1 || j.started[0].Origin != "sc_restart" || j.started[0].ID != e[0].ID {
		t.Fatalf("started %+v", j.started)
	}
	if len(j.ended) != 1 || j.ended[0].Result != audit.ResultOK || j.ended[0].Err != nil || j.ended[0].Action.Origin != "sc_restart" {
		t.Fatalf("ended %+v", j.ended)
	}
	if len(j.entries) != 2 || j.entries[0] != 1 || j.entries[1] != 2 {
		t.Fatalf("audit entries on disk when the journal was told: %v, want [1 2]", j.entries)
	}
}

func TestRunnerJournalHearsFailures(t *testing.T) {
	boom := errors.New("boom")
	ex := &stepExec{fn: func(context.Context) error { return boom }}
	r, _, j := newRunner(t, ex)
	p, _ := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "x", Actor: operator})
	if err := r.Execute(context.Background(), p, nil); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if len(j.ended) != 1 || j.ended[0].Result != audit.ResultFailed || !errors.Is(j.ended[0].Err, boom) {
		t.Fatalf("ended %+v", j.ended)
	}
}

func TestRunnerWithoutJournal(t *testing.T) {
	ex := &stepExec{fn: func(context.Context) error { return nil }}
	r, path, _ := newRunner(t, ex)
	r.Journal = nil
	p, _ := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "x", Actor: operator})
	if err := r.Execute(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	if e := entries(t, path); len(e) != 2 || e[0].Incident != "" {
		t.Fatalf("entries %+v", e)
	}
}

func TestRunnerRefusesViewersInTheBackend(t *testing.T) {
	ex := &stepExec{fn: func(context.Context) error { return nil }}
	r, path, j := newRunner(t, ex)
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
	if len(j.started)+len(j.ended) != 0 {
		t.Fatalf("a refused action reached the journal: %+v %+v", j.started, j.ended)
	}
}

func TestRunnerTimeoutAndCancel(t *testing.T) {
	ex := &stepExec{fn: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	r, path, j := newRunner(t, ex)
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
	if len(j.ended) != 2 || j.ended[0].Result != audit.ResultTimedOut || j.ended[1].Result != audit.ResultCancelled {
		t.Fatalf("journal %+v", j.ended)
	}
}

// An action cancelled or timed out says so once, with what the executor
// added beyond the context's own words: never "cancelled: cancelled:
// context canceled", in the error, the audit entry or the journal.
func TestRunnerSaysHowItEndedOnce(t *testing.T) {
	for _, c := range []struct {
		name string
		fn   func(ctx context.Context) error
		want string
	}{
		{"bare cancel", func(ctx context.Context) error { return ctx.Err() }, "cancelled"},
		{"executor says cancelled too", func(ctx context.Context) error {
			return fmt.Errorf("cancelled: docker@local: stop chat-web-1: %w; 1 more container(s) not touched", ctx.Err())
		}, "cancelled: docker@local: stop chat-web-1; 1 more container(s) not touched"},
	} {
		ex := &stepExec{fn: func(ctx context.Context) error { <-ctx.Done(); return c.fn(ctx) }}
		r, path, j := newRunner(t, ex)
		p, _ := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "x", Actor: operator})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := r.Execute(ctx, p, nil)
		if err == nil || err.Error() != c.want || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err %v, want %q wrapping context.Canceled", c.name, err, c.want)
		}
		if e := entries(t, path); e[1].Error != c.want {
			t.Errorf("%s: audit error %q, want %q", c.name, e[1].Error, c.want)
		}
		if got := j.ended[0].Err.Error(); got != c.want {
			t.Errorf("%s: journal told %q", c.name, got)
		}
	}
}

func TestRunnerDoesNotActWithoutAnAuditEntry(t *testing.T) {
	ex := &stepExec{fn: func(context.Context) error { return nil }}
	r, path, j := newRunner(t, ex)
	p, _ := r.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestart, Target: "x", Actor: operator})
	r.Audit.Close()
	if err := r.Execute(context.Background(), p, nil); err == nil || ex.calls != 0 {
		t.Fatalf("ran without audit: %v, %d calls", err, ex.calls)
	}
	if len(j.started)+len(j.ended) != 0 {
		t.Fatalf("an action that did not run reached the journal: %+v %+v", j.started, j.ended)
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
