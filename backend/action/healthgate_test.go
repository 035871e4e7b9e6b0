package action

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

func TestHealthGateWaitsForThePassingCheck(t *testing.T) {
	inner := &stepExec{fn: func(context.Context) error { return nil }}
	calls := 0
	g := HealthGate{ActionExecutor: inner, Every: time.Millisecond, Check: func(context.Context, string) (backend.CheckResult, bool) {
		calls++
		if calls < 3 {
			return backend.CheckResult{Code: 503}, true
		}
		return backend.CheckResult{Code: 200, OK: true}, true
	}}
	p, err := g.Plan(context.Background(), backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend"})
	if err != nil || !strings.Contains(p.Steps[len(p.Steps)-1], "health check of chat-backend passes") {
		t.Fatalf("plan %+v, %v", p, err)
	}
	var lines []string
	if err := g.Execute(context.Background(), p, func(l backend.OutputLine) { lines = append(lines, l.Text) }); err != nil {
		t.Fatal(err)
	}
	if inner.calls != 1 || calls != 3 || !strings.Contains(strings.Join(lines, "\n"), "health check failing: HTTP 503") {
		t.Fatalf("inner %d, checks %d, output %q", inner.calls, calls, lines)
	}
}

func TestHealthGateGivesUp(t *testing.T) {
	g := HealthGate{ActionExecutor: &stepExec{fn: func(context.Context) error { return nil }}, Every: time.Millisecond, Timeout: 20 * time.Millisecond,
		Check: func(context.Context, string) (backend.CheckResult, bool) {
			return backend.CheckResult{Err: "connection refused"}, true
		}}
	p, _ := g.Plan(context.Background(), backend.Action{Kind: backend.ActKindRollback, Target: "x"})
	err := g.Execute(context.Background(), p, func(backend.OutputLine) {})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("got %v", err)
	}
	// No health URL: nothing to wait for, and the failure of the action
	// itself is never masked.
	g.Check = func(context.Context, string) (backend.CheckResult, bool) { return backend.CheckResult{}, false }
	if err := g.Execute(context.Background(), p, func(backend.OutputLine) {}); err != nil {
		t.Fatal(err)
	}
	g.ActionExecutor = &stepExec{fn: func(context.Context) error { return errors.New("exit 3") }}
	if err := g.Execute(context.Background(), p, func(backend.OutputLine) {}); err == nil || err.Error() != "exit 3" {
		t.Fatalf("got %v", err)
	}
}
