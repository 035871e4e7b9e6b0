package table

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Every narrow symbol is one cell alone, next to ASCII, and next to every
// other narrow symbol: counting them rune by rune is what ansi counts.
func TestNarrowSymbols(t *testing.T) {
	var set []rune
	for r := rune(0); r < 0x3000; r++ {
		if narrowSymbol(r) {
			set = append(set, r)
		}
	}
	for _, a := range set {
		if got := ansi.StringWidth(string(a) + "x"); got != 2 {
			t.Fatalf("%U+x is %d cells, want 2", a, got)
		}
		for _, b := range set {
			if got := ansi.StringWidth(string([]rune{a, b})); got != 2 {
				t.Fatalf("%U%U is %d cells, want 2", a, b, got)
			}
		}
	}
}

func TestWidthMatchesANSI(t *testing.T) {
	st := lipgloss.NewStyle().Foreground(lipgloss.Color("#3FB950")).Bold(true)
	cases := []string{
		"", "plain", "● UP", "▁▂▃▄▅▆▇█ ok", st.Render("▲ WARN") + "  x",
		"e\u0301 combining", "wide 日本", "emoji 👍🏽 and ✅", "⚠️ vs16", "tab\there",
		"\x1b]8;;http://127.0.0.1/\x07link\x1b]8;;\x07", "✓ svc · 12ms – …", "\x1b[1m日\x1b[m本",
		strings.Repeat("█", 60) + st.Render("✖ DOWN"),
	}
	for _, s := range cases {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, ansi says %d", s, got, want)
		}
	}
}
