package kit

import (
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

func TestFormatting(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{Thousands(1234.4), "1,234"},
		{Thousands(999), "999"},
		{Thousands(1234567), "1,234,567"},
		{Thousands(-4200), "-4,200"},
		{Pct(backend.Some(0.23)), "0.2%"},
		{Pct(backend.Some(85)), "85%"},
		{Pct(backend.Some(98.5)), "98%"}, // one decimal only below 10
		{Pct(backend.None()), "–"},
		{Num(backend.None(), "%.0f ms"), "–"},
		{Num(backend.Some(450), "%.0f ms"), "450 ms"},
		{Ago(now, now.Add(-42*time.Second)), "42s"},
		{Ago(now, now.Add(-3*time.Hour)), "3h"},
		{Ago(now, now.Add(-72*time.Hour)), "3d"},
		{Ago(now, time.Time{}), "–"},
		{Ago(now, now.Add(time.Second)), "0s"},
		{Stamp(time.Date(2025, 11, 26, 10, 23, 0, 0, time.UTC)), "2025-11-26 10:23"},
		{Clock(time.Time{}), "–"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestSpreadDropsRightWhenTooNarrow(t *testing.T) {
	if got := Spread("left", "right", 12); got != "left   right" {
		t.Fatalf("got %q", got)
	}
	if got := Spread("left", "right", 9); got != "left" {
		t.Fatalf("got %q", got)
	}
}
