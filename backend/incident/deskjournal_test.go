package incident

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
)

// atRestart opens an incident and walks it to the service crash's restart.
func atRestart(t *testing.T, d *Desk) {
	t.Helper()
	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 0))
	must(t, d.SetVar(ana, "service", "chat-backend"))
	must(t, d.Answer(ana, "sc_health_failing", true))
	at(t, d, "sc_restart")
}

func lastEvents(inc *Incident, n int) []string {
	l := timeline(inc)
	return l[max(0, len(l)-n):]
}

func TestJournal(t *testing.T) {
	t.Run("no incident: nothing stamped", func(t *testing.T) {
		dir := t.TempDir()
		d := openDesk(t, dir, newClock(), nil)
		d.ActionStarted(restart("", ana))
		ended(d, restart("", ana), audit.ResultOK, nil)
		if b := d.Board(); b.Incident != nil || len(files(t, dir)) != 1 { // the lock file only
			t.Fatalf("board %+v, files %v", b, files(t, dir))
		}
	})
	t.Run("from another screen: only the timeline", func(t *testing.T) {
		d := openDesk(t, t.TempDir(), newClock(), nil)
		atRestart(t, d)
		other := backend.Action{Kind: backend.ActKindRollback, Target: "web", Actor: bob}
		d.ActionStarted(other)
		if d.Board().Awaiting != "" {
			t.Fatal("an action from elsewhere marked the node awaiting")
		}
		ended(d, other, audit.ResultFailed, errors.New("no previous version"))
		b := at(t, d, "sc_restart")
		sameLines(t, "timeline", lastEvents(b.Incident, 2), []string{
			"answer|ana|Health check failing?: yes",
			"action|bob (SHA256:bob)|rollback web: failed (no previous version)",
		})
	})
	t.Run("of a node the walk left: only the timeline", func(t *testing.T) {
		d := openDesk(t, t.TempDir(), newClock(), nil)
		atRestart(t, d)
		d.ActionStarted(restart("sc_restart", ana))
		must(t, d.ActionByHand(bob, "sc_restart", true)) // bob did it by hand meanwhile
		ended(d, restart("sc_restart", ana), audit.ResultOK, nil)
		b := at(t, d, "sc_wait")
		if b.Awaiting != "" {
			t.Fatalf("awaiting %q after the action ended", b.Awaiting)
		}
		sameLines(t, "timeline", lastEvents(b.Incident, 2), []string{
			"step|bob (SHA256:bob)|Restart container: ok (done by hand)",
			"action|ana|restart chat-backend: ok",
		})
	})
	t.Run("cancelled: the node stays", func(t *testing.T) {
		d := openDesk(t, t.TempDir(), newClock(), nil)
		atRestart(t, d)
		d.ActionStarted(restart("sc_restart", ana))
		// The runner's error (backend.Ended) says "cancelled" once.
		ended(d, restart("sc_restart", ana), audit.ResultCancelled, backend.Ended(audit.ResultCancelled, fmt.Errorf("cancelled: %w", context.Canceled)))
		b := at(t, d, "sc_restart")
		if b.Awaiting != "" {
			t.Fatalf("awaiting %q after the cancel", b.Awaiting)
		}
		sameLines(t, "timeline", lastEvents(b.Incident, 1), []string{"action|ana|restart chat-backend: cancelled"})
	})
	t.Run("timed out: failed", func(t *testing.T) {
		d := openDesk(t, t.TempDir(), newClock(), nil)
		atRestart(t, d)
		ended(d, restart("sc_restart", ana), audit.ResultTimedOut, backend.Ended(audit.ResultTimedOut, fmt.Errorf("docker@local: wait for chat-backend-1: %w", context.DeadlineExceeded)))
		b := at(t, d, "sc_restart_again")
		sameLines(t, "timeline", lastEvents(b.Incident, 2), []string{
			"action|ana|restart chat-backend: timed out (docker@local: wait for chat-backend-1)",
			"step|ana|Restart container: failed (timed out: docker@local: wait for chat-backend-1)",
		})
	})
	t.Run("of another process's desk", func(t *testing.T) {
		// The action ran in process B; the walk moves in A's file too, and
		// A's next Run poll shows it.
		dir := t.TempDir()
		a := openDesk(t, dir, newClock(), nil)
		atRestart(t, a)
		b := openDesk(t, dir, newClock(), nil)
		ended(b, restart("sc_restart", bob), audit.ResultOK, nil)
		a.sync()
		at(t, a, "sc_wait")
	})
}

// fakeExec runs nothing and succeeds, or fails with err.
type fakeExec struct{ err error }

func (f fakeExec) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	return backend.Plan{Action: a, Steps: []string{"restart " + a.Target}}, nil
}

func (f fakeExec) Execute(context.Context, backend.Plan, func(backend.OutputLine)) error {
	return f.err
}

// The desk wired to a real runner: the audit entries carry the incident
// and the walk moves on from the runner's report alone.
func TestJournalThroughTheRunner(t *testing.T) {
	dir := t.TempDir()
	d := openDesk(t, filepath.Join(dir, "incidents"), newClock(), nil)
	log, err := audit.Open(filepath.Join(dir, "audit.jsonl"))
	must(t, err)
	defer log.Close()
	r := &action.Runner{Audit: log, Executors: map[backend.ActionKind]backend.ActionExecutor{backend.ActKindRestart: fakeExec{}}, Journal: d}
	atRestart(t, d)
	p, err := r.Plan(context.Background(), restart("sc_restart", ana))
	must(t, err)
	must(t, r.Execute(context.Background(), p, nil))
	b := at(t, d, "sc_wait")
	sameLines(t, "timeline", lastEvents(b.Incident, 2), []string{"action|ana|restart chat-backend: ok", "step|ana|Restart container: ok"})
	entries, _, err := audit.Read(filepath.Join(dir, "audit.jsonl"))
	must(t, err)
	if len(entries) != 2 || entries[0].Incident != b.Incident.ID || entries[1].Incident != b.Incident.ID {
		t.Fatalf("audit entries %+v, incident %s", entries, b.Incident.ID)
	}
}

// An action whose opsdeck was killed is stamped on the open incident's
// timeline when the next opsdeck finds it; with no incident open nothing
// is written.
func TestDeskStampsAnInterruptedAction(t *testing.T) {
	p := audit.Pair{Before: audit.Entry{Time: time.Date(2026, 11, 26, 2, 10, 30, 0, time.UTC), User: "root", Kind: backend.ActKindRestart, Target: "chat-backend"}}
	d := openDesk(t, t.TempDir(), newClock(), nil)
	if err := d.ActionInterrupted(p); err != nil {
		t.Fatalf("without an incident: %v", err)
	}
	atRestart(t, d)
	if err := d.ActionInterrupted(p); err != nil {
		t.Fatal(err)
	}
	b := at(t, d, "sc_restart") // the step stays, to run again or do by hand
	sameLines(t, "timeline", lastEvents(b.Incident, 1), []string{"action|opsdeck|restart chat-backend by root at 02:10 was interrupted"})
}
