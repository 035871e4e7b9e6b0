package tui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views/theme"
)

// fg is the SGR foreground of c as lipgloss writes it in a frame.
func fg(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("38;2;%d;%d;%d", r>>8, g>>8, b>>8)
}

// The terminal's answer to the background query recolours what is on
// screen and what is not: a detail's own table, the tab under it, rows
// built from the snapshot before the answer came; nothing keeps a colour
// of the palette it replaced.
func TestBackgroundAnswerRecoloursEveryScreen(t *testing.T) {
	dark, light := theme.DarkPalette(), theme.LightPalette()
	c := startConsole(t, demoSnapshot(t), 120, 30, false)
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("enter")
	c.WaitFor("MANA-CORE-AUTH · ")
	raw := c.Sync()
	if !strings.Contains(raw, fg(dark.OK)) || strings.Contains(raw, fg(light.OK)) {
		t.Fatalf("before the terminal answers, the dark palette: %q", raw)
	}
	c.Send(tea.BackgroundColorMsg{Color: color.White})
	for _, where := range []string{"the project's detail", "the services tab", "the overview"} {
		raw = c.Sync()
		for _, old := range []color.Color{dark.OK, dark.Warn, dark.Muted, dark.Accent} {
			if strings.Contains(raw, fg(old)) {
				t.Errorf("%s keeps the dark %s after a white background's answer", where, fg(old))
			}
		}
		if !strings.Contains(raw, fg(light.OK)) {
			t.Errorf("%s has nothing in the light ok colour:\n%q", where, raw)
		}
		switch where {
		case "the project's detail":
			c.Keys("esc")
			c.WaitFor("SERVICE STATUS (by Project)")
		case "the services tab":
			c.Keys("1")
			c.WaitFor("SYSTEM HEALTH OVERVIEW")
		}
	}
}

// A fixed theme is not the background's: light stays light on a black
// terminal, and the answer changes nothing.
func TestFixedThemeIgnoresTheBackground(t *testing.T) {
	hub, logs := &staticHub{snap: demoSnapshot(t)}, &fakeLogs{}
	o := testOptions(hub, false, logs)
	o.Theme, _ = theme.Builtin(theme.Light)
	c := startUI(t, New(t.Context(), o), 120, 30)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Send(tea.BackgroundColorMsg{Color: color.Black})
	raw := c.Sync()
	if !strings.Contains(raw, fg(theme.LightPalette().OK)) || strings.Contains(raw, fg(theme.DarkPalette().OK)) {
		t.Errorf("theme light on a black terminal: %q", raw)
	}
}
