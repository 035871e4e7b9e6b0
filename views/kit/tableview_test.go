package kit

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/table"
	"github.com/manacore/opsdeck/views/theme"
)

func testCommon() Common {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	return Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return at }, IDs: &IDs{}}
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
	v := NewTableView(testCommon(), "Services", "SERVICES", backend.FeedInventory,
		[]table.Column{{Title: "PROJECT", Width: 14, Flex: true}},
		func(s backend.Snapshot) []table.Row {
			var rows []table.Row
			for _, svc := range s.Services {
				rows = append(rows, table.Row{Key: svc.Project, Cells: []table.Cell{{Text: svc.Project}}})
			}
			return rows
		})
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
