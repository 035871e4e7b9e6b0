package tui

import (
	"strings"
	"testing"
)

// A hidden tab does not take snapshots, yet shows the newest one as soon
// as it is switched to or uncovered by closing a detail.
func TestHiddenTabsCatchUpWhenShown(t *testing.T) {
	snap := demoSnapshot(t)
	m := sized(t, snap, 120, 40, false)
	if strings.Contains(plain(m), "renamed-one") {
		t.Fatal("fixture already has the marker project")
	}

	rev := snap.Rev
	renamed := func(project string) SnapshotMsg {
		rev++ // new data, new revision (as the poller does)
		return SnapshotMsg{Snapshot: renamedSnapshot(snap, rev, project)}
	}

	// On the overview: the services tab is hidden and left stale.
	send(m, renamed("renamed-one"))
	if !m.stale[1] {
		t.Error("hidden services tab was handed the snapshot; want it marked stale")
	}
	typeKeys(m, "2")
	if !strings.Contains(plain(m), "renamed-one") {
		t.Fatalf("services tab does not show the newest snapshot after switching to it:\n%s", plain(m))
	}

	// A detail covers the services tab; closing it uncovers the newest data.
	typeKeys(m, "enter")
	if len(m.stack) != 1 {
		t.Fatal("enter did not open the project detail")
	}
	send(m, renamed("renamed-two"))
	typeKeys(m, "esc")
	if len(m.stack) != 0 {
		t.Fatal("esc did not close the detail")
	}
	if !strings.Contains(plain(m), "renamed-two") {
		t.Fatalf("services tab does not show the snapshot that arrived under a detail:\n%s", plain(m))
	}
}
