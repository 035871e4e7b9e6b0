package theme

import (
	"image/color"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// contrast is the WCAG contrast ratio of a and b (1 to 21).
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

var (
	black = lipgloss.Color("#000000")
	white = lipgloss.Color("#FFFFFF")
)

// Every palette names every colour.
func TestPalettesAreComplete(t *testing.T) {
	for name, p := range map[string]Palette{"dark": DarkPalette(), "light": LightPalette(),
		"high-contrast dark": HighContrastPalette(true), "high-contrast light": HighContrastPalette(false)} {
		for _, c := range ColourNames() {
			if p.Colour(c) == nil {
				t.Errorf("%s has no %s", name, c)
			}
		}
	}
}

// Text and statuses read on the background each palette is for: 4.5:1
// (WCAG AA) for dark and light, 7:1 (AAA) for high contrast, where muted
// text is no grey but the text's colour, and what carries meaning is bold.
func TestPalettesContrast(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Palette
		bg   color.Color
		min  float64
		more []string // checked beyond text and the statuses
	}{
		{"dark", DarkPalette(), black, 4.5, []string{"muted"}},
		{"light", LightPalette(), white, 4.5, []string{"muted", "accent"}},
		{"high-contrast dark", HighContrastPalette(true), black, 7, []string{"muted", "accent", "border"}},
		{"high-contrast light", HighContrastPalette(false), white, 7, []string{"muted", "accent", "border"}},
	} {
		for _, name := range append([]string{"text", "ok", "warn", "down", "unknown"}, tc.more...) {
			if r := contrast(tc.p.Colour(name), tc.bg); r < tc.min {
				t.Errorf("%s: %s is %.1f:1 against its background, want %.1f", tc.name, name, r, tc.min)
			}
		}
		if r := contrast(tc.p.OnAccent, tc.p.Accent); r < 4.5 {
			t.Errorf("%s: text on the accent is %.1f:1", tc.name, r)
		}
	}
	for _, dark := range []bool{true, false} {
		p := HighContrastPalette(dark)
		if p.Muted != p.Text || p.Border != p.Text {
			t.Errorf("high contrast (dark %v) has greys: muted %v, border %v, text %v", dark, p.Muted, p.Border, p.Text)
		}
		th := New(p)
		for name, st := range map[string]lipgloss.Style{"ok": th.OK, "warn": th.Warn, "down": th.Down, "unknown": th.Unknwn, "error": th.Error, "title": th.Title} {
			if !st.GetBold() {
				t.Errorf("high contrast: %s is not bold", name)
			}
		}
	}
	if New(DarkPalette()).OK.GetBold() {
		t.Error("the dark palette's OK turned bold")
	}
}

// The DEMO badge's text reads on the warn colour of every palette.
func TestDemoBadgeReads(t *testing.T) {
	for _, p := range []Palette{DarkPalette(), LightPalette(), HighContrastPalette(true), HighContrastPalette(false)} {
		if r := contrast(demoText(p), p.Warn); r < 4.5 {
			t.Errorf("DEMO on %v: %.1f:1", p.Warn, r)
		}
	}
}

// Which palette a choice draws, and whether the background decides.
func TestChoice(t *testing.T) {
	for _, tc := range []struct {
		name            string
		adaptive        bool
		onDark, onLight Palette
	}{
		{Auto, true, DarkPalette(), LightPalette()},
		{Dark, false, DarkPalette(), DarkPalette()},
		{Light, false, LightPalette(), LightPalette()},
		{HighContrast, true, HighContrastPalette(true), HighContrastPalette(false)},
	} {
		c, ok := Builtin(tc.name)
		if !ok || c.Name() != tc.name || c.Adaptive() != tc.adaptive || c.Palette(true) != tc.onDark || c.Palette(false) != tc.onLight {
			t.Errorf("%s: ok %v adaptive %v", tc.name, ok, c.Adaptive())
		}
	}
	if _, ok := Builtin("solarized"); ok {
		t.Error("solarized is no built-in theme")
	}
	var zero Choice
	if !zero.Adaptive() || zero.Palette(true) != DarkPalette() || zero.Palette(false) != LightPalette() {
		t.Error("the zero Choice is auto")
	}
	p, err := LightPalette().WithColours(map[string]string{"ok": "#00ff00", "down": "196", "muted": "#abc"})
	if err != nil {
		t.Fatal(err)
	}
	u := User(p)
	if u.Adaptive() || u.Name() != "" || u.Palette(true) != u.Palette(false) {
		t.Error("a user palette is the same on every background")
	}
	if got := u.Palette(true); got.OK != lipgloss.Color("#00ff00") || got.Down != lipgloss.Color("196") ||
		got.Muted != lipgloss.Color("#aabbcc") || got.Warn != LightPalette().Warn {
		t.Errorf("user palette over light: %+v", got)
	}
	if _, err := DarkPalette().WithColours(map[string]string{"okay": "#fff"}); err == nil || !strings.Contains(err.Error(), `"okay"`) {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := DarkPalette().WithColours(map[string]string{"ok": "green"}); err == nil {
		t.Error("green is not a colour value")
	}
}

// Set remakes the styles in place: whoever holds the *Theme draws with
// the new palette.
func TestSetInPlace(t *testing.T) {
	th := Default()
	held := th
	before := held.OK.Render("x")
	th.Set(LightPalette())
	if held.P != LightPalette() || held.OK.Render("x") == before || held.OK.GetForeground() != LightPalette().OK {
		t.Errorf("the held theme did not change: %q", held.OK.Render("x"))
	}
}
