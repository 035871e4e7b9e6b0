package tui

import (
	"strings"
	"testing"
)

// A hidden tab does not take snapshots: it is marked stale instead.
func TestHiddenTabsAreLeftStale(t *testing.T) {
	snap := demoSnapshot(t)
	c := startConsole(t, snap, 120, 40, false)
	c.Send(SnapshotMsg{Snapshot: renamedSnapshot(snap, snap.Rev+1, "renamed-one")})
	c.Sync()
	final := c.Stop().(*Model)
	if final.snap.Rev != snap.Rev+1 || !final.stale[1] {
		t.Fatalf("shown rev %d, services stale %v: the hidden services tab was handed the snapshot", final.snap.Rev, final.stale[1])
	}
}

// A hidden tab shows the newest snapshot as soon as it is switched to or
// uncovered by closing a detail.
func TestHiddenTabsCatchUpWhenShown(t *testing.T) {
	snap := demoSnapshot(t)
	c := startConsole(t, snap, 120, 40, false)
	if strings.Contains(c.WaitDrawn(), "renamed-") {
		t.Fatal("fixture already has the marker project")
	}
	rev := snap.Rev
	renamed := func(project string) SnapshotMsg {
		rev++ // new data, new revision (as the poller does)
		return SnapshotMsg{Snapshot: renamedSnapshot(snap, rev, project)}
	}

	// On the overview: the services tab is hidden.
	c.Send(renamed("renamed-one"))
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	if got := c.WaitDrawn(); !strings.Contains(got, "renamed-one") {
		t.Fatalf("services tab does not show the newest snapshot after switching to it:\n%s", got)
	}

	// A detail covers the services tab; closing it uncovers the newest data.
	c.Keys("enter")
	c.WaitFor("› renamed-one")
	c.Send(renamed("renamed-two"))
	c.Keys("esc")
	c.WaitGone("› renamed-one")
	if got := c.WaitDrawn(); !strings.Contains(got, "renamed-two") {
		t.Fatalf("services tab does not show the snapshot that arrived under a detail:\n%s", got)
	}
}
