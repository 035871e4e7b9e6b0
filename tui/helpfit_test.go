package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpQuitRE is the global quit entry, whole.
var helpQuitRE = regexp.MustCompile(`q/ctrl\+c\s+quit(\s|$)`)

// The help at 80x24 shows every tab's global quit entry whole, and the
// Fleet's help whole: two lines for ctrl+u and ctrl+d once moved its
// Navigation group into a third column and the global keys off the edge.
func TestHelpFitsAt80x24(t *testing.T) {
	m := qModel(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for i, spec := range m.specs {
		m.switchTo(i)
		press(m, "?")
		out := ansi.Strip(m.render())
		if !helpQuitRE.MatchString(out) || !strings.Contains(out, "half page ↑/↓") {
			t.Errorf("help on %s lacks the quit entry or the half pages at 80x24:\n%s", spec.Name, out)
		}
		if spec.Name == "fleet" && strings.Contains(out, "…") {
			t.Errorf("help on the Fleet is cut at 80x24:\n%s", out)
		}
		press(m, "esc")
	}
}
