package screen

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// BenchmarkFrame is the cost of drawing a 200x50 styled screen on which
// one line (the header clock) changed since the last frame, against
// laying the whole screen out again (what every frame cost before
// changed-lines drawing, and what a resize still costs).
func BenchmarkFrame(b *testing.B) {
	const w, h = 200, 50
	ok := lipgloss.NewStyle().Foreground(lipgloss.Color("#00d787"))
	dim := lipgloss.NewStyle().Faint(true)
	frame := func(sec int) string {
		rows := []string{ok.Render("opsdeck") + strings.Repeat(" ", 170) + dim.Render(fmt.Sprintf("12:00:%02d UTC", sec%60))}
		for i := 1; i < h; i++ {
			rows = append(rows, fmt.Sprintf("svc-%03d  ", i)+ok.Render("● UP")+strings.Repeat(" ", 20)+dim.Render(fmt.Sprintf("%6.1f ms", float64(i)*1.5))+strings.Repeat(".", 150))
		}
		return strings.Join(rows, "\n")
	}
	frames := make([]string, 60)
	for i := range frames {
		frames[i] = frame(i)
	}
	for _, whole := range []bool{false, true} {
		name := "one-line-changed"
		if whole {
			name = "whole-layout"
		}
		b.Run(name, func(b *testing.B) {
			s := New(io.Discard, env, w, h, colorprofile.TrueColor)
			s.Show(view(frames[0]))
			s.draw()
			b.ReportAllocs()
			sec := 0
			for b.Loop() {
				sec++
				s.Show(view(frames[sec%len(frames)]))
				if whole {
					s.drawn = false
				}
				s.draw()
			}
		})
	}
}
