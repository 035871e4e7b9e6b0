package kit

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

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

func TestWrapKeepsEveryWord(t *testing.T) {
	s := "Preserve evidence: snapshot the disks, copy the logs and docker inspect output off the hosts"
	got := Wrap(s, 30)
	for _, l := range got {
		if ansi.StringWidth(l) > 30 {
			t.Errorf("line %q is wider than 30", l)
		}
	}
	if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != s {
		t.Errorf("wrapped %q lost words: %q", s, got)
	}
	if got := Wrap("/var/backups/postgres/chat-2026-12-03T02:00:00Z.dump", 20); len(got) != 3 || strings.Join(got, "") != "/var/backups/postgres/chat-2026-12-03T02:00:00Z.dump" {
		t.Errorf("a long path is cut across lines, whole: %q", got)
	}
}
