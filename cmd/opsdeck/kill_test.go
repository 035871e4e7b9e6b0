package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// The test binary doubles as opsdeck: with OPSDECK_AS_MAIN set it runs
// main's run() instead of the tests, so a test can start, kill and
// restart the real program without building it first.
func TestMain(m *testing.M) {
	if os.Getenv("OPSDECK_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// startOpsdeck runs this test binary as opsdeck (see TestMain) on the
// demo fleet in a pty, through the shared end-to-end driver, with state in
// the XDG state dir given.
func startOpsdeck(t *testing.T, state string) *tuitest.Console {
	t.Helper()
	return tuitest.StartConsole(t, os.Args[0], tuitest.Options{Width: 100, Height: 30, Args: []string{"--seed", "1"},
		Env: []string{"OPSDECK_AS_MAIN=1"}, StateHome: state})
}

// confirmGrace outlasts the confirmation's key grace: a key typed sooner
// is ignored on purpose.
const killConfirmGrace = 500 * time.Millisecond

// waitAudit polls the audit file until it holds n entries.
func waitAudit(t *testing.T, path string, n int) []audit.Entry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		e, _, _ := audit.Read(path)
		if len(e) >= n {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit log has %d entries, want %d", len(e), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestKilledOpsdeckLosesNothing kills opsdeck with SIGKILL while a
// restart it started is running: the audit entry written before the
// restart is on disk, and the restarted opsdeck resumes the incident at
// the step it was on, with the timeline intact.
func TestKilledOpsdeckLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the program three times")
	}
	state := t.TempDir()
	auditPath := filepath.Join(state, "opsdeck", "audit.jsonl")
	p := startOpsdeck(t, state)
	p.WaitFor("SYSTEM HEALTH OVERVIEW")
	p.Keys("9", "n")
	p.WaitFor("What failed?")
	p.Keys("enter")
	// The next question comes from the incident desk: answer it once it
	// is on screen, as a person would (an enter pressed for the question
	// still shown is refused: the walk moved on).
	p.WaitFor("Health check failing?")
	p.Keys("enter")
	p.WaitFor("service (tab completes)")
	p.Type("chat-backend")
	p.Keys("enter")
	p.WaitFor("take the live answer")
	p.Keys("y")
	p.WaitFor("enter restart chat-backend")
	p.Keys("enter")
	p.WaitFor("Type chat-backend")
	p.Pause(killConfirmGrace)
	p.Type("chat-backend")
	p.Keys("enter")
	before := waitAudit(t, auditPath, 1)
	p.Kill() // mid-action: the simulated restart takes 600 ms

	entries, bad, err := audit.Read(auditPath)
	if err != nil || bad != 0 || len(entries) < len(before) || entries[0].Phase != audit.PhaseBefore || entries[0].Kind != "restart" {
		t.Fatalf("audit after kill: %+v (%d bad, %v)", entries, bad, err)
	}

	// Restarted, opsdeck resumes the incident; the restart step is still
	// to do (it never reported back), and its answers are kept.
	p2 := startOpsdeck(t, state)
	p2.WaitFor("SYSTEM HEALTH OVERVIEW")
	p2.Keys("9")
	p2.WaitFor("Restart container")
	screen := p2.Screen()
	for _, want := range []string{"INCIDENT Service crash - chat-backend", "Health check failing?: yes", "service: chat-backend"} {
		if !strings.Contains(screen, want) {
			t.Errorf("resumed screen lacks %q:\n%s", want, screen)
		}
	}
	// It can go on from there: run the restart again to the end.
	p2.Keys("enter")
	p2.WaitFor("Type chat-backend")
	p2.Pause(killConfirmGrace)
	p2.Type("chat-backend")
	p2.Keys("enter")
	p2.WaitFor("✔ done in")
	p2.Keys("q") // back from the action view to the incident's tab
	p2.WaitGone("✔ done in")
	if err := p2.Quit(); err != nil { // from the tab: q quits once nothing runs
		t.Fatal(err)
	}
	// The killed restart was closed as interrupted when opsdeck started
	// again; the second ran to its end.
	all := waitAudit(t, auditPath, 4)
	pairs := audit.Pairs(all)
	if len(pairs) != 2 || pairs[0].After == nil || pairs[0].After.Result != audit.ResultInterrupted || pairs[1].After == nil || pairs[1].After.Result != audit.ResultOK {
		t.Fatalf("pairs %+v", pairs)
	}
	_, open, err := incident.Open(filepath.Join(state, "opsdeck", "incidents"))
	if err != nil || open == nil {
		t.Fatalf("no open incident after the kill: %v", err)
	}
	var timeline bytes.Buffer
	for _, e := range open.Timeline {
		timeline.WriteString(e.Text + "\n")
	}
	if !strings.Contains(timeline.String(), "restart chat-backend by root at ") || !strings.Contains(timeline.String(), " was interrupted\n") {
		t.Fatalf("timeline lacks the interrupted restart:\n%s", timeline.String())
	}
	if !strings.Contains(timeline.String(), "restart chat-backend: ok") {
		t.Fatalf("timeline lacks the finished restart:\n%s", timeline.String())
	}
}
