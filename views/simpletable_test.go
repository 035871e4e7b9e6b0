package views

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/theme"
)

func testCommon() Common {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	return Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return at }}
}

func fleetOf(rev uint64, project string) backend.Snapshot {
	return backend.Snapshot{Rev: rev, Thresholds: backend.DefaultThresholds(), Services: []backend.Service{
		{Project: project, Component: backend.ComponentBackend, Name: project + "-backend"},
	}}
}

// Rows follow the data revision: a snapshot with the revision the rows
// were built from keeps them, a new revision (or 0, a snapshot not from
// the poller) rebuilds them.
func TestTableRowsFollowTheDataRevision(t *testing.T) {
	v := NewServices(testCommon())
	v.SetSize(100, 10)
	screen := func() string { return ansi.Strip(v.View()) }

	v.SetSnapshot(fleetOf(3, "alpha"))
	if !strings.Contains(screen(), "alpha") {
		t.Fatalf("first snapshot not shown:\n%s", screen())
	}
	v.SetSnapshot(fleetOf(3, "beta")) // same revision: the poller promises same data
	if !strings.Contains(screen(), "alpha") {
		t.Errorf("rows rebuilt for an unchanged revision:\n%s", screen())
	}
	v.SetSnapshot(fleetOf(4, "beta"))
	if !strings.Contains(screen(), "beta") {
		t.Errorf("rows not rebuilt for a new revision:\n%s", screen())
	}
	v.SetSnapshot(fleetOf(0, "gamma"))
	v.SetSnapshot(fleetOf(0, "delta"))
	if !strings.Contains(screen(), "delta") {
		t.Errorf("revision 0 must always rebuild:\n%s", screen())
	}
}

// Marking a latency row redraws it although the data did not change.
func TestLatencyMarkRedrawsWithoutNewData(t *testing.T) {
	v := NewLatency(testCommon())
	v.SetSize(100, 10)
	v.SetSnapshot(fleetOf(7, "alpha"))
	if strings.Contains(ansi.Strip(v.View()), "✓") {
		t.Fatal("marked before any key")
	}
	v.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	if !strings.Contains(ansi.Strip(v.View()), "✓ alpha-backend") {
		t.Errorf("space did not mark the row:\n%s", ansi.Strip(v.View()))
	}
}
