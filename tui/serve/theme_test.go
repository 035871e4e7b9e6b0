package serve

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/views/theme"
)

// fgOf is the foreground the first cell of text is drawn in; false when
// text is not on the screen.
func (tm *term) fgOf(text string) (color.Color, bool) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for y := range tm.emu.Height() {
		var line strings.Builder
		var xs []int
		for x := range tm.emu.Width() {
			cell := tm.emu.CellAt(x, y)
			content := " "
			if cell != nil {
				if cell.Width == 0 {
					continue
				}
				if cell.Content != "" {
					content = cell.Content
				}
			}
			line.WriteString(content)
			for range len(content) {
				xs = append(xs, x)
			}
		}
		if i := strings.Index(line.String(), text); i >= 0 {
			if cell := tm.emu.CellAt(xs[i], y); cell != nil {
				return cell.Style.Fg, true
			}
			return nil, true
		}
	}
	return nil, false
}

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar == br && ag == bg && ab == bb
}

// With the default theme (auto) each session asks its own client's
// terminal for its background: at the same time, a session on a white
// terminal draws the light palette and one on a black terminal the dark.
func TestEachSessionFollowsItsTerminalsBackground(t *testing.T) {
	f := start(t, nil, nil)
	light := f.openOn(t, f.operator, "xterm-256color", 100, 30, color.White)
	dark := f.openOn(t, f.viewer, "xterm-256color", 100, 30, color.Black)
	// TERM=xterm-256color: the colours come rounded to 256.
	accent := func(p theme.Palette) color.Color { return colorprofile.ANSI256.Convert(p.Accent) }
	for _, tc := range []struct {
		tm   *term
		want color.Color
		name string
	}{{light, accent(theme.LightPalette()), "white terminal"}, {dark, accent(theme.DarkPalette()), "black terminal"}} {
		tc.tm.waitScreen("SYSTEM HEALTH OVERVIEW", 10*time.Second)
		testbed.Eventually(t, 10*time.Second, tc.name+": the title in its palette's accent", func() (bool, string) {
			got, _ := tc.tm.fgOf("SYSTEM HEALTH OVERVIEW")
			return sameColour(got, tc.want), ""
		})
	}
	if !strings.Contains(light.output(), "\x1b]11;?") {
		t.Error("the session never asked its terminal for the background (OSC 11)")
	}
}
