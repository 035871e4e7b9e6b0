package incident

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// files is every file of dir with its bytes.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

// A viewer is refused every operation, in the backend, and nothing on
// disk changes: neither on an open incident nor on a resolved one.
func TestDeskRefusesViewers(t *testing.T) {
	dir := t.TempDir()
	d := openDesk(t, dir, newClock(), nil)
	report := filepath.Join(t.TempDir(), "r.md")
	ops := map[string]func() error{
		"start":         func() error { _, err := d.Start(vic); return err },
		"choose":        func() error { return d.Choose(vic, "what_failed", 0) },
		"answer":        func() error { return d.Answer(vic, "sc_health_failing", true) },
		"live":          func() error { return d.AnswerLive(vic, "sc_health_failing", backend.Snapshot{}) },
		"setvar":        func() error { return d.SetVar(vic, "service", "web") },
		"note":          func() error { return d.Note(vic, "hello") },
		"blank note":    func() error { return d.Note(vic, " ") },
		"tick":          func() error { return d.Tick(vic, "fs_standby", 0) },
		"complete":      func() error { return d.Complete(vic, "fs_standby") },
		"skip":          func() error { return d.SkipWait(vic, "sc_wait") },
		"by hand":       func() error { return d.ActionByHand(vic, "sc_restart", true) },
		"undo":          func() error { return d.Undo(vic) },
		"post-incident": func() error { return d.TickPostIncident(vic, 0) },
		"report": func() error {
			_, err := d.WriteReport(vic, ReportFacts{RootCause: "x"}, report)
			return err
		},
	}
	check := func(when string) {
		t.Helper()
		before, rev := files(t, dir), d.Board().Rev
		for name, op := range ops {
			err := op()
			if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "read-only: viewers cannot change the incident") {
				t.Errorf("%s: viewer's %s: %v", when, name, err)
			}
		}
		if after := files(t, dir); !maps.Equal(before, after) {
			t.Errorf("%s: a viewer's operations changed the files", when)
		}
		if _, err := os.Stat(report); !os.IsNotExist(err) {
			t.Errorf("%s: a viewer wrote a report", when)
		}
		if d.Board().Rev != rev {
			t.Errorf("%s: a viewer's operations published a board", when)
		}
	}
	check("no incident")
	_, err := d.Start(ana)
	must(t, err)
	check("open")
	must(t, d.Choose(ana, "what_failed", 3))
	must(t, d.Tick(ana, "sb_escalate", 0))
	must(t, d.Tick(ana, "sb_escalate", 1))
	must(t, d.Complete(ana, "sb_escalate"))
	for i := range 4 {
		must(t, d.Tick(ana, "sb_contain", i))
	}
	must(t, d.Complete(ana, "sb_contain"))
	if d.Board().Incident.Open() {
		t.Fatal("not resolved")
	}
	check("resolved")
}

// Another engineer answered first: the answer for the question the walk
// left is refused, says who moved it and where it is, and the board shows
// where it is now.
func TestDeskRefusesAStaleNode(t *testing.T) {
	dir := t.TempDir()
	a := openDesk(t, dir, newClock(), nil)
	b := openDesk(t, dir, newClock(), nil) // another process, not running Run
	_, err := a.Start(ana)
	must(t, err)
	if joined, err := b.Start(bob); !joined || err != nil {
		t.Fatal(joined, err)
	}
	must(t, a.Choose(ana, "what_failed", 0))
	err = b.Choose(bob, "what_failed", 1)
	if !errors.Is(err, ErrMoved) || err.Error() != `the walk moved on: ana answered "What failed?"; now at "Health check failing?"` {
		t.Fatalf("stale choice: %v", err)
	}
	at(t, b, "sc_health_failing") // b caught up on the refusal
	must(t, a.SetVar(ana, "service", "chat-backend"))
	snap := fleetSnap(true, []backend.Service{svc("chat-backend", ctr("c1", backend.StateExited, ""))}, nil)
	must(t, a.AnswerLive(ana, "sc_health_failing", snap))
	// A live answer's step says "live"; the refusal names who took it.
	err = b.Answer(bob, "sc_health_failing", false)
	if !errors.Is(err, ErrMoved) || err.Error() != `the walk moved on: ana answered "Health check failing?"; now at "Restart container"` {
		t.Fatalf("stale answer: %v", err)
	}
	for name, op := range map[string]func() error{
		"tick":     func() error { return b.Tick(bob, "fs_standby", 0) },
		"complete": func() error { return b.Complete(bob, "sc_escalate") },
		"skip":     func() error { return b.SkipWait(bob, "sc_wait") },
		"by hand":  func() error { return b.ActionByHand(bob, "sc_restart_again", true) },
		"live":     func() error { return b.AnswerLive(bob, "what_failed", snap) },
	} {
		if err := op(); !errors.Is(err, ErrMoved) || !strings.Contains(err.Error(), `now at "Restart container"`) {
			t.Errorf("%s at a node the walk is not at: %v", name, err)
		}
	}
	// After an undo elsewhere the walk is back where it was: a move for the
	// node it left says so.
	must(t, a.Undo(ana))
	if err := b.ActionByHand(bob, "sc_restart", true); !errors.Is(err, ErrMoved) ||
		err.Error() != `the walk moved on: now at "Health check failing?"` {
		t.Fatalf("after an undo: %v", err)
	}
	inc := at(t, a, "sc_health_failing").Incident
	sameLines(t, "timeline", timeline(inc)[1:], []string{
		"answer|ana|What failed?: Service crash",
		"answer|ana|service: chat-backend",
		"answer|ana|Health check failing?: yes (live: c1 is exited)",
		"step|ana|Undid the last step, back at: Health check failing?",
	})
}

func TestDeskMoves(t *testing.T) {
	clock := newClock()
	d := openDesk(t, t.TempDir(), clock, nil)
	if err := d.Note(ana, "x"); !errors.Is(err, ErrNoIncident) {
		t.Fatalf("note with no incident: %v", err)
	}
	_, err := d.Start(ana)
	must(t, err)
	if err := d.Undo(ana); !errors.Is(err, drtree.ErrNotReady) {
		t.Fatalf("undo at the root: %v", err)
	}
	must(t, d.Choose(ana, "what_failed", 0))
	if err := d.Answer(ana, "sc_health_failing", true); !errors.Is(err, drtree.ErrNotReady) || !strings.Contains(err.Error(), "needs service first") {
		t.Fatalf("answer before the variable: %v", err)
	}
	if err := d.SetVar(ana, "service", "chat-backend; rm -rf /"); err == nil {
		t.Fatal("a value that is not a plain name was taken")
	}
	must(t, d.SetVar(ana, "service", "chat-backend"))
	// No live data: nothing is answered, the message says what to do.
	rev := d.Board().Rev
	if err := d.AnswerLive(ana, "sc_health_failing", fleetSnap(false, nil, nil)); err == nil ||
		err.Error() != "no live answer: the data is missing or stale; answer y or n" {
		t.Fatalf("live answer without data: %v", err)
	}
	if d.Board().Rev != rev {
		t.Fatal("a refused answer published a board")
	}
	must(t, d.Answer(ana, "sc_health_failing", true))
	must(t, d.ActionByHand(ana, "sc_restart", false))
	must(t, d.ActionByHand(ana, "sc_restart_again", true))
	clock.Add(31 * time.Second)
	must(t, d.SkipWait(ana, "sc_wait_again")) // the time is up: "waited"
	must(t, d.Answer(ana, "sc_health_passing_again", false))
	b := at(t, d, "sc_escalate")
	if !b.Walk.EscalationDue() {
		t.Fatal("escalation not due")
	}
	if err := d.Tick(ana, "sc_escalate", 5); err == nil {
		t.Fatal("ticked an item that is not there")
	}
	must(t, d.Tick(ana, "sc_escalate", 0))
	must(t, d.Tick(ana, "sc_escalate", 0)) // a toggle: unticked again
	if at(t, d, "sc_escalate").Walk.Ticked(0) {
		t.Fatal("a second tick did not untick")
	}
	must(t, d.Note(ana, "  paged the lead  "))
	must(t, d.Note(ana, "   ")) // blank: no change
	inc := d.Board().Incident
	sameLines(t, "timeline", timeline(inc)[1:], []string{
		"answer|ana|What failed?: Service crash",
		"answer|ana|service: chat-backend",
		"answer|ana|Health check failing?: yes",
		"step|ana|Restart container: failed (marked failed)",
		"step|ana|Restart container again (second attempt): ok (done by hand)",
		"step|ana|Wait 30s: waited 30s",
		"answer|ana|Health check passing?: no",
		"note|ana|paged the lead",
	})
	if inc.Title != "Service crash - chat-backend" || !inc.Open() {
		t.Fatalf("incident %+v", inc)
	}
	if err := d.TickPostIncident(ana, 6); err == nil {
		t.Fatal("ticked a post-incident item that is not there")
	}
	must(t, d.TickPostIncident(ana, 5))
	must(t, d.TickPostIncident(ana, 5))
	if d.Board().Incident.PostIncident[5].Done {
		t.Fatal("post-incident tick does not toggle")
	}
}

// A walk whose tree lost its node cannot resume: the board says why, the
// walk's operations are refused, notes still work.
func TestDeskTreeChanged(t *testing.T) {
	dir := t.TempDir()
	d := openDesk(t, dir, newClock(), nil)
	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 0))
	small, err := drtree.Parse("small.yaml", []byte(loopTree))
	must(t, err)
	d2, err := OpenDesk(DeskConfig{Dir: dir, Tree: small})
	must(t, err)
	b := d2.Board()
	if b.Walk != nil || !strings.Contains(b.Problem, `the tree has no node "sc_health_failing"`) {
		t.Fatalf("walk %v problem %q", b.Walk, b.Problem)
	}
	if err := d2.Answer(ana, "sc_health_failing", true); err == nil {
		t.Fatal("answered on a walk that cannot resume")
	}
	must(t, d2.Note(ana, "tree file changed"))
	if got := timeline(d2.Board().Incident); got[len(got)-1] != "note|ana|tree file changed" {
		t.Fatalf("timeline %q", got)
	}
}
