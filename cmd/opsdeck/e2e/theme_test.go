//go:build unix

package e2e

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"

	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/theme"
)

// truecolor makes the program write its palette's colours as they are
// (the pty's TERM alone gets them rounded to 256 colours).
var truecolor = []string{"COLORTERM=truecolor"}

// The probes: the overview's title in the accent colour, a healthy tile's
// status in the ok colour.
const (
	probeAccent = "SYSTEM HEALTH OVERVIEW"
	probeOK     = "● Healthy"
)

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func hexOf(c color.Color) string {
	if c == nil {
		return "none"
	}
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}

// styleOf waits for text and returns how it is drawn.
func styleOf(t *testing.T, c *tuitest.Console, text string) uv.Style {
	t.Helper()
	c.WaitFor(text)
	st, ok := c.StyleOf(text)
	if !ok {
		t.Fatalf("%q left the screen:\n%s", text, c.Screen())
	}
	return st
}

// waitPalette waits until the probes are drawn in p's accent and ok.
func waitPalette(t *testing.T, c *tuitest.Console, name string, p theme.Palette) {
	t.Helper()
	c.WaitFor(probeOK)
	deadline := time.Now().Add(tuitest.ConsoleWait)
	for {
		accent, ok := styleOf(t, c, probeAccent), styleOf(t, c, probeOK)
		if sameColour(accent.Fg, p.Accent) && sameColour(ok.Fg, p.OK) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("want the %s palette (accent %s, ok %s); drawn: accent %s, ok %s", name,
				hexOf(p.Accent), hexOf(p.OK), hexOf(accent.Fg), hexOf(ok.Fg))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// By default the theme follows the terminal's background, which the
// console asks for (OSC 11): the emulator's black gets the dark palette,
// a white one the light palette.
func TestThemeAutoFollowsTheBackground(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		bg   color.Color
		want theme.Palette
	}{
		{"black background", color.Black, theme.DarkPalette()},
		{"white background", color.White, theme.LightPalette()},
		{"light grey background", color.RGBA{0xEE, 0xEE, 0xE8, 0xFF}, theme.LightPalette()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 100, Height: 30, Env: truecolor, Background: tc.bg})
			waitPalette(t, c, tc.name, tc.want)
			if err := c.Quit(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// --theme high-contrast draws its own colours, its statuses in bold; the
// config's theme: light draws the light palette on a black terminal too
// (a fixed choice is not the background's); OPSDECK_THEME names one as
// --theme does.
func TestThemeChosen(t *testing.T) {
	t.Parallel()
	light := demoConfig(t, "environment:", "theme: light\nenvironment:")
	for _, tc := range []struct {
		name string
		o    tuitest.Options
		want theme.Palette
	}{
		{"--theme high-contrast", tuitest.Options{Args: []string{"--theme", "high-contrast"}}, theme.HighContrastPalette(true)},
		{"--theme high-contrast on white", tuitest.Options{Args: []string{"--theme", "high-contrast"}, Background: color.White}, theme.HighContrastPalette(false)},
		{"theme: light", light, theme.LightPalette()},
		{"OPSDECK_THEME=light", tuitest.Options{Env: []string{"OPSDECK_THEME=light"}, Background: color.Black}, theme.LightPalette()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.o
			o.Width, o.Height = 100, 30
			o.Env = append(append([]string(nil), truecolor...), o.Env...)
			c := tuitest.StartConsole(t, opsdeck, o)
			waitPalette(t, c, tc.name, tc.want)
			if tc.want.Bold {
				if st := styleOf(t, c, probeOK); st.Attrs&uv.AttrBold == 0 {
					t.Errorf("high contrast: %q is not bold", probeOK)
				}
			}
			if err := c.Quit(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// NO_COLOR wins over every theme: nothing is coloured, the words and
// bold are still there.
func TestNoColorWinsOverTheTheme(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    tuitest.Options
	}{
		{"NO_COLOR with --theme high-contrast", tuitest.Options{Args: []string{"--theme", "high-contrast"}, Env: []string{"NO_COLOR=1"}}},
		{"--no-color with OPSDECK_THEME=light", tuitest.Options{Args: []string{"--no-color"}, Env: []string{"OPSDECK_THEME=light"}, Background: color.White}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.o
			o.Width, o.Height = 100, 30
			o.Env = append(append([]string(nil), truecolor...), o.Env...)
			c := tuitest.StartConsole(t, opsdeck, o)
			c.WaitFor(probeOK)
			time.Sleep(1500 * time.Millisecond) // past the time a background's answer would take
			for _, probe := range []string{probeAccent, probeOK, "1 Overview"} {
				if st := styleOf(t, c, probe); st.Fg != nil || st.Bg != nil {
					t.Errorf("%q drawn in colour (fg %s, bg %s)", probe, hexOf(st.Fg), hexOf(st.Bg))
				}
			}
			if st := styleOf(t, c, probeAccent); st.Attrs&uv.AttrBold == 0 {
				t.Errorf("%q lost its bold", probeAccent)
			}
			if err := c.Quit(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The background is asked as the console starts, not when Bubble Tea next
// flushes (a second later, or at exit): quitting at once leaves no answer
// in the shell, and a white terminal has the light palette within moments.
func TestThemeQueryLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	for _, bg := range []color.Color{color.Black, color.White} {
		start := time.Now()
		c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 100, Height: 30, Env: truecolor, Background: bg})
		if bg == color.White {
			waitPalette(t, c, "white background", theme.LightPalette())
			t.Logf("light palette drawn %v after the start", time.Since(start).Round(time.Millisecond))
		} else {
			c.WaitFor(probeOK)
		}
		if err := c.Quit(); err != nil {
			t.Fatal(err)
		}
		if s := c.Screen(); strings.Contains(s, "]11;") || strings.Contains(s, "rgb:") {
			t.Errorf("the terminal's answer landed in the shell after quit: %q", s)
		}
	}
}
