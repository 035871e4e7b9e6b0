package incident

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/drtree"
)

func run(t *testing.T, d *Desk) <-chan Board {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return d.Subscribe(ctx)
}

func hasNote(text string) func(Board) bool {
	return func(b Board) bool {
		if b.Incident == nil {
			return false
		}
		for _, e := range b.Incident.Timeline {
			if e.Kind == EventNote && e.Text == text {
				return true
			}
		}
		return false
	}
}

// A change by desk A reaches the subscriber of desk B (another process)
// within a second while B's Run runs, at its default poll.
func TestRunBringsOtherProcessesChanges(t *testing.T) {
	dir := t.TempDir()
	a := openDesk(t, dir, nil, nil)
	b := openDesk(t, dir, nil, nil)
	sub := run(t, b)
	if first := <-sub; first.Incident != nil {
		t.Fatalf("first board %+v", first)
	}
	_, err := a.Start(ana)
	must(t, err)
	awaitBoard(t, sub, "the started incident", func(b Board) bool { return b.Incident != nil })
	var worst time.Duration
	for i := range 3 {
		note := fmt.Sprint("from a ", i)
		must(t, a.Note(ana, note))
		start := time.Now()
		deadline := time.After(time.Second)
	wait:
		for {
			select {
			case bd := <-sub:
				if hasNote(note)(bd) {
					break wait
				}
			case <-deadline:
				t.Fatalf("a's note %q did not reach b's subscriber within 1s", note)
			}
		}
		worst = max(worst, time.Since(start))
	}
	t.Logf("slowest of 3: %s", worst)
}

// Run ends a wait whose time is up, as the "opsdeck" actor, once even when
// two desks run; not before its time.
func TestRunEndsWaits(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	mk := func() *Desk {
		d, err := OpenDesk(DeskConfig{Dir: dir, Tree: drtree.Default(), Clock: clock.Now, Poll: 5 * time.Millisecond})
		must(t, err)
		return d
	}
	a, b, other := mk(), mk(), mk()
	atRestart(t, a)
	must(t, a.ActionByHand(ana, "sc_restart", true))
	subA, subB := run(t, a), run(t, b)
	awaitBoard(t, subB, "b at the wait", func(bd Board) bool { return bd.Walk != nil && bd.Walk.Current().ID == "sc_wait" })
	// Two changes from elsewhere seen by both: each Run has been round its
	// loop since, with 29 of the 30 seconds gone.
	clock.Add(29 * time.Second)
	for i := range 2 {
		must(t, other.Note(bob, fmt.Sprint("n", i)))
		awaitBoard(t, subA, "a note", hasNote(fmt.Sprint("n", i)))
		awaitBoard(t, subB, "a note", hasNote(fmt.Sprint("n", i)))
	}
	at(t, a, "sc_wait")
	clock.Add(time.Second)
	for _, sub := range []<-chan Board{subA, subB} {
		awaitBoard(t, sub, "the wait ended", func(bd Board) bool { return bd.Walk != nil && bd.Walk.Current().ID == "sc_health_passing" })
	}
	// Both polled again after it ended: neither finished it twice.
	must(t, other.Note(bob, "after"))
	awaitBoard(t, subA, "a note", hasNote("after"))
	awaitBoard(t, subB, "a note", hasNote("after"))
	var waits []string
	for _, l := range timeline(a.Board().Incident) {
		if strings.Contains(l, "Wait 30s") {
			waits = append(waits, l)
		}
	}
	sameLines(t, "wait steps", waits, []string{"step|opsdeck|Wait 30s: waited 30s"})
	if w := a.Board().Warning + b.Board().Warning; w != "" {
		t.Fatalf("warning %q", w)
	}
}

// The newest backup is asked as soon as the incident names its database,
// without waiting for a poll.
func TestRunAsksBackupAtOnce(t *testing.T) {
	clock := newClock()
	ager := &fakeAger{clock: clock, age: time.Hour}
	d, err := OpenDesk(DeskConfig{Dir: t.TempDir(), Tree: drtree.Default(), Clock: clock.Now, Backups: ager, Poll: time.Hour})
	must(t, err)
	sub := run(t, d)
	_, err = d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 1))
	if b := d.Board(); b.Backup != nil {
		t.Fatalf("backup %+v before a database was named", b.Backup)
	}
	must(t, d.SetVar(ana, "database", "chat"))
	// Checking, or already answered: Run is poked by the change and may
	// have asked before this line runs.
	if b := d.Board(); b.Backup == nil || b.Backup.Database != "chat" {
		t.Fatalf("backup right after naming the database: %+v", b.Backup)
	}
	b := awaitBoard(t, sub, "the backup age", func(b Board) bool { return b.Backup != nil && !b.Backup.Checked.IsZero() })
	if !b.Backup.Newest.Equal(t0.Add(-time.Hour)) || b.Backup.Err != nil || len(ager.calls()) != 1 {
		t.Fatalf("backup %+v after %d calls", b.Backup, len(ager.calls()))
	}
}

// Then once a minute, not on every poll.
func TestRunAsksBackupOnceAMinute(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	ager := &fakeAger{clock: clock, age: time.Hour}
	d, err := OpenDesk(DeskConfig{Dir: dir, Tree: drtree.Default(), Clock: clock.Now, Backups: ager, Poll: 5 * time.Millisecond})
	must(t, err)
	other := openDesk(t, dir, clock, nil)
	sub := run(t, d)
	_, err = d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 1))
	must(t, d.SetVar(ana, "database", "chat"))
	awaitBoard(t, sub, "the backup age", func(b Board) bool { return b.Backup != nil && !b.Backup.Checked.IsZero() })
	clock.Add(59 * time.Second)
	for i := range 2 { // two changes seen: Run went round its loop at 59s
		must(t, other.Note(bob, fmt.Sprint("n", i)))
		awaitBoard(t, sub, "a note", hasNote(fmt.Sprint("n", i)))
	}
	if n := len(ager.calls()); n != 1 {
		t.Fatalf("asked %d times within the minute", n)
	}
	clock.Add(2 * time.Second)
	b := awaitBoard(t, sub, "the second backup age", func(b Board) bool { return b.Backup != nil && b.Backup.Checked.Equal(t0.Add(61*time.Second)) })
	calls := ager.calls()
	if len(calls) != 2 || calls[1].Sub(calls[0]) < time.Minute || !b.Backup.Newest.Equal(t0.Add(61*time.Second-time.Hour)) {
		t.Fatalf("calls at %v, backup %+v", calls, b.Backup)
	}
}

func TestRunWithoutBackups(t *testing.T) {
	d := openDesk(t, t.TempDir(), newClock(), nil)
	sub := run(t, d)
	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 1))
	must(t, d.SetVar(ana, "database", "chat"))
	b := awaitBoard(t, sub, "the backup answer", func(b Board) bool { return b.Backup != nil && !b.Backup.Checked.IsZero() })
	if !errors.Is(b.Backup.Err, ErrNoBackups) {
		t.Fatalf("backup %+v", b.Backup)
	}
}

// A subscriber that does not read holds the desk up never and gets the
// newest board when it reads; its channel closes with its context.
func TestSubscribeLatestWins(t *testing.T) {
	d := openDesk(t, t.TempDir(), newClock(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	sub := d.Subscribe(ctx)
	_, err := d.Start(ana)
	must(t, err)
	for i := range 10 {
		must(t, d.Note(ana, fmt.Sprint(i)))
	}
	b := <-sub
	if b.Rev != d.Board().Rev || !hasNote("9")(b) {
		t.Fatalf("read rev %d, desk at %d", b.Rev, d.Board().Rev)
	}
	// Each reader's board is its own: changing it changes nothing.
	b.Incident.Title = "mine"
	must(t, b.Walk.Choose(0, "x", t0))
	if d.Board().Incident.Title == "mine" || d.Board().Walk.Current().ID != "what_failed" {
		t.Fatal("a reader's change reached the desk")
	}
	cancel()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, open := <-sub:
			if !open {
				return
			}
		case <-deadline:
			t.Fatal("subscription not closed after its context ended")
		}
	}
}
