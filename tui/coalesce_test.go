package tui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/keymap/keytest"
)

// renamedSnapshot is snap with a new Rev and its first project renamed,
// so the overview shows whether it was taken.
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

// tickingModel is the root model with a ticking clock (as cmd/opsdeck
// runs it), sized and showing snap.
func tickingModel(t *testing.T, snap backend.Snapshot) *Model {
	t.Helper()
	m := New(Options{Hub: &staticHub{snap: snap}, Keys: keymap.Default(), Clock: fixedClock})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(SnapshotMsg{Snapshot: snap})
	if m.held != nil || m.snap.Rev != snap.Rev {
		t.Fatal("the first snapshot was held; want it shown at once")
	}
	m.Update(keytest.Press("2"))
	return m
}

// With a ticking clock, new data waits for the next second's frame (or
// any other update) instead of drawing a frame of its own, and a held
// snapshot costs no re-render.
func TestSnapshotsWaitForTheClockFrame(t *testing.T) {
	snap := demoSnapshot(t)
	m := tickingModel(t, snap)
	if !strings.Contains(plain(m), snap.Services[0].Project) {
		t.Fatalf("the first snapshot was not shown at once:\n%s", plain(m))
	}
	before := m.View().Content
	rev := m.rev

	m.Update(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	if m.rev != rev || m.View().Content != before {
		t.Fatal("a snapshot between ticks changed the frame; want it held for the clock's frame")
	}
	m.Update(tickMsg(testNow))
	if !strings.Contains(plain(m), "renamed-one") {
		t.Fatalf("the held snapshot is not shown with the tick's frame:\n%s", plain(m))
	}

	// A key draws a frame too, and shows the held data with it.
	m.Update(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+2, "renamed-two")})
	typeKeys(m, "j")
	if !strings.Contains(plain(m), "renamed-two") {
		t.Fatalf("the held snapshot is not shown with a key's frame:\n%s", plain(m))
	}
}

// Until every source has answered once, and without a ticking clock, a
// snapshot is shown at once: the first frame never waits for a tick.
func TestSnapshotsShownAtOnceBeforeDataOrWithoutTicks(t *testing.T) {
	snap := demoSnapshot(t)

	pending := snap
	pending.Sources = slices.Clone(snap.Sources)
	pending.Sources[1] = backend.SourceStatus{Name: pending.Sources[1].Name, Kind: pending.Sources[1].Kind}
	m := tickingModel(t, pending)
	m.Update(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	if !strings.Contains(plain(m), "renamed-one") {
		t.Fatalf("a snapshot while a source had not answered yet was held:\n%s", plain(m))
	}

	still, _ := newModel(t, snap, false) // NoTick: nothing would carry a held snapshot
	still.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	still.Update(SnapshotMsg{Snapshot: snap})
	still.Update(keytest.Press("2"))
	still.Update(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	if !strings.Contains(plain(still), "renamed-one") {
		t.Fatalf("without a ticking clock a snapshot was held:\n%s", plain(still))
	}
}
