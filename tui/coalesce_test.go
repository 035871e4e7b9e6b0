package tui

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// renamedSnapshot is snap with a new Rev and its first project renamed,
// so the screen shows whether it was taken.
func renamedSnapshot(snap backend.Snapshot, rev uint64, project string) backend.Snapshot {
	s := snap
	s.Rev = rev
	s.Services = slices.Clone(snap.Services)
	first := s.Services[0].Project
	for i := range s.Services {
		if s.Services[i].Project == first {
			s.Services[i].Project = project
		}
	}
	return s
}

// heldClock is the root model with a ticking clock (as cmd/opsdeck runs
// it) whose ticks the test gives: the program's own ticks (tea.Every) are
// swallowed, and a testTick reaches the model as the clock's tick. So a
// snapshot sent between two Syncs cannot meet a tick by chance.
type heldClock struct{ *Model }

// testTick is the clock's next second, when the test says so.
type testTick struct{}

func (h heldClock) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case tickMsg:
		return h, nil // the model re-arms its clock only on a tick it gets
	case testTick:
		msg = tickMsg(testNow)
	}
	_, cmd := h.Model.Update(msg)
	return h, cmd
}

// tickingConsole runs the root model with a ticking clock on snap, on the
// services tab.
func tickingConsole(t *testing.T, snap backend.Snapshot) *tuitest.Term {
	t.Helper()
	m := New(t.Context(), Options{Hub: &staticHub{snap: snap}, Keys: keymap.Default(), Clock: fixedClock})
	tt := tuitest.Start(t, heldClock{m}, 120, 40)
	tt.Keys("2")
	// No tick has reached the model: the first snapshot was shown at once.
	tt.WaitFor(snap.Services[0].Project)
	tt.WaitFor("SERVICE STATUS (by Project)")
	return tt
}

// With a ticking clock, new data waits for the next second's frame (or
// any other update) instead of drawing a frame of its own.
func TestSnapshotsWaitForTheClockFrame(t *testing.T) {
	snap := demoSnapshot(t)
	tt := tickingConsole(t, snap)
	before := tt.Sync()

	tt.Send(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	if after := tt.Sync(); after != before {
		t.Fatalf("a snapshot between ticks changed the frame; want it held for the clock's frame:\n%s", tuitest.PlainText(after, 40))
	}
	tt.Send(testTick{})
	tt.WaitFor("renamed-one") // shown with the tick's frame

	// A key draws a frame too, and shows the held data with it.
	tt.Send(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+2, "renamed-two")})
	tt.Keys("j")
	tt.WaitFor("renamed-two")
}

// A held snapshot is kept aside, not taken in, until something draws.
func TestHeldSnapshotIsNotTakenIn(t *testing.T) {
	snap := demoSnapshot(t)
	tt := tickingConsole(t, snap)
	tt.Send(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	tt.Sync()
	final := tt.Stop().(heldClock) // no key: nothing more reaches the model
	if final.held == nil || final.held.Rev != snap.Rev+1 || final.snap.Rev != snap.Rev {
		t.Fatalf("held %v, shown rev %d; want rev %d held and %d shown", final.held != nil, final.snap.Rev, snap.Rev+1, snap.Rev)
	}
}

// Until every source has answered once, and without a ticking clock, a
// snapshot is shown at once: the first frame never waits for a tick.
func TestSnapshotsShownAtOnceBeforeDataOrWithoutTicks(t *testing.T) {
	snap := demoSnapshot(t)

	pending := snap
	pending.Sources = slices.Clone(snap.Sources)
	pending.Sources[1] = backend.SourceStatus{Name: pending.Sources[1].Name, Kind: pending.Sources[1].Kind}
	tt := tickingConsole(t, pending)
	tt.Send(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	tt.WaitFor("renamed-one") // no tick reaches the model

	still := startConsole(t, snap, 120, 40, false) // NoTick: nothing would carry a held snapshot
	still.Keys("2")
	still.WaitFor("SERVICE STATUS (by Project)")
	still.Send(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	still.WaitFor("renamed-one")
}
