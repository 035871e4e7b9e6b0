package views

import (
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

func TestFormatting(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{thousands(1234.4), "1,234"},
		{thousands(999), "999"},
		{thousands(1234567), "1,234,567"},
		{thousands(-4200), "-4,200"},
		{pct(backend.Some(0.23)), "0.2%"},
		{pct(backend.Some(85)), "85%"},
		{pct(backend.Some(98.5)), "98%"}, // one decimal only below 10
		{pct(backend.None()), "–"},
		{num(backend.None(), "%.0f ms"), "–"},
		{num(backend.Some(450), "%.0f ms"), "450 ms"},
		{uptime(backend.Some(100)), "100%"},
		{uptime(backend.Some(99.53)), "99.53%"},
		{uptime(backend.None()), "–"},
		{ago(now, now.Add(-42*time.Second)), "42s"},
		{ago(now, now.Add(-3*time.Hour)), "3h"},
		{ago(now, now.Add(-72*time.Hour)), "3d"},
		{ago(now, time.Time{}), "–"},
		{ago(now, now.Add(time.Second)), "0s"},
		{stamp(time.Date(2025, 11, 26, 10, 23, 0, 0, time.UTC)), "2025-11-26 10:23"},
		{clock(time.Time{}), "–"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestSpreadDropsRightWhenTooNarrow(t *testing.T) {
	if got := spread("left", "right", 12); got != "left   right" {
		t.Fatalf("got %q", got)
	}
	if got := spread("left", "right", 9); got != "left" {
		t.Fatalf("got %q", got)
	}
}

func TestSparkline(t *testing.T) {
	pts := []backend.Value{backend.Some(0), backend.Some(250), backend.None(), backend.Some(500), backend.Some(1000)}
	// Scale from the lowest point (0) to max(target 500, max 1000).
	if got := sparkline(pts, 500, 60); got != "▁▂ ▄█" {
		t.Fatalf("got %q", got)
	}
	if got := sparkline(pts, 500, 2); got != "▁█" {
		t.Fatalf("newest n only, scaled from their lowest: %q", got)
	}
	flat := []backend.Value{backend.Some(460), backend.Some(480), backend.Some(470)}
	if got := sparkline(flat, 500, 10); got != "▁▄▂" {
		t.Fatalf("a series under target keeps its trend visible: %q", got)
	}
	if got := sparkline(nil, 500, 10); got != "–" {
		t.Fatalf("empty: %q", got)
	}
}
