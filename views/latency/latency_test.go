package latency

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

func TestSparkline(t *testing.T) {
	pts := []backend.Value{backend.Some(0), backend.Some(250), backend.None(), backend.Some(500), backend.Some(1000)}
	// Scale from the lowest point (0) to max(target 500, max 1000).
	if got := sparkline(pts, 500, 60); got != "▁▂ ▄█ 0–1000ms" {
		t.Fatalf("got %q", got)
	}
	if got := sparkline(pts, 500, 2); got != "▁█ 500–1000ms" {
		t.Fatalf("newest n only, scaled from their lowest: %q", got)
	}
	flat := []backend.Value{backend.Some(460), backend.Some(480), backend.Some(470)}
	if got := sparkline(flat, 500, 10); got != "▁▄▂ 460–500ms" {
		t.Fatalf("a series under target keeps its trend visible: %q", got)
	}
	if got := sparkline(nil, 500, 10); got != "–" {
		t.Fatalf("empty: %q", got)
	}
}

// A service that is down has no p95 because it serves nothing: its row
// says DOWN and why, not "no data".
func TestLatencyRowOfADownService(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	v := New(kit.Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return at }, IDs: &kit.IDs{}})
	v.SetSize(100, 10)
	v.SetSnapshot(backend.Snapshot{Rev: 1, Thresholds: backend.DefaultThresholds(), Services: []backend.Service{
		{Project: "chat", Component: backend.ComponentBackend, Name: "chat-backend",
			Containers: []backend.Container{{Name: "chat-backend-1", State: backend.StateExited}}},
	}})
	got := ansi.Strip(v.View())
	var row string
	for _, l := range strings.Split(got, "\n") {
		if strings.Contains(l, "chat-backend") {
			row = l
		}
	}
	if !strings.Contains(row, "DOWN · exited") || !strings.Contains(row, "✖ DOWN") || strings.Contains(row, "?") {
		t.Fatalf("row of a down service: %q\n%s", row, got)
	}
}

// Marking a latency row redraws it although the data did not change.
func TestLatencyMarkRedrawsWithoutNewData(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	v := New(kit.Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return at }, IDs: &kit.IDs{}})
	v.SetSize(100, 10)
	v.SetSnapshot(backend.Snapshot{Rev: 7, Thresholds: backend.DefaultThresholds(), Services: []backend.Service{
		{Project: "alpha", Component: backend.ComponentBackend, Name: "alpha-backend"},
	}})
	if strings.Contains(ansi.Strip(v.View()), "✓") {
		t.Fatal("marked before any key")
	}
	v.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	if !strings.Contains(ansi.Strip(v.View()), "✓ alpha-backend") {
		t.Errorf("space did not mark the row:\n%s", ansi.Strip(v.View()))
	}
}
