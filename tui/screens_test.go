package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/manacore/opsdeck/backend"
)

// screen is one thing a person can look at, reached by keys from start.
type screen struct {
	name    string
	keys    []string
	text    string // typed after keys
	streams bool   // its content streams in after the keys (in batches)
}

var screens = []screen{
	{name: "overview"},
	{name: "services", keys: []string{"2"}},
	{name: "project", keys: []string{"2", "j", "enter"}},
	{name: "fleet", keys: []string{"3"}},
	{name: "latency", keys: []string{"4"}},
	{name: "alerts", keys: []string{"5"}},
	{name: "alert-detail", keys: []string{"5", "enter"}},
	{name: "databases", keys: []string{"6"}},
	{name: "dependencies", keys: []string{"7"}},
	{name: "resources", keys: []string{"8"}},
	{name: "checks", keys: []string{"c"}},
	{name: "logs", keys: []string{"3", "j", "l"}, streams: true},
	{name: "chart", keys: []string{"4", "j", "enter"}},
	{name: "help", keys: []string{"?"}},
	{name: "palette", keys: []string{":"}, text: "ser"},
	{name: "filter", keys: []string{"2", "/"}, text: "pic"},
	{name: "incident", keys: []string{"9"}},
	{name: "silences", keys: []string{":"}, text: "silences\n"},
	{name: "deploys", keys: []string{"0"}},
}

var sizes = []struct{ w, h int }{{80, 24}, {160, 48}}

// TestScreens goldens every screen at both sizes with the sources healthy
// and with prometheus failing. Goldens are the final View, ANSI stripped;
// regenerate with: go test ./tui -run TestScreens -update
func TestScreens(t *testing.T) {
	states := map[string]backend.Snapshot{
		"healthy":         demoSnapshot(t),
		"prometheus-down": demoSnapshot(t, "prometheus"),
	}
	for _, state := range []string{"healthy", "prometheus-down"} {
		for _, sc := range screens {
			for _, sz := range sizes {
				name := fmt.Sprintf("%s/%s/%dx%d", state, sc.name, sz.w, sz.h)
				t.Run(name, func(t *testing.T) {
					m := sized(t, states[state], sz.w, sz.h, false)
					typeKeys(m, sc.keys...)
					typeText(m, sc.text)
					if sc.streams {
						settle(m, 200*time.Millisecond)
					}
					golden.RequireEqual(t, []byte(plain(m)))
				})
			}
		}
	}
}

func TestTooSmall(t *testing.T) {
	m := sized(t, demoSnapshot(t), 50, 10, false)
	got := plain(m)
	if !strings.Contains(got, "terminal too small") || !strings.Contains(got, "50x10 (need 60x16)") {
		t.Fatalf("too-small notice missing:\n%s", got)
	}
	golden.RequireEqual(t, []byte(got))
}

// TestWidthSweep renders every screen at every width from 20 to 200 (and
// a few heights), resizing one live model as a person dragging the window
// would, and checks that nothing is wider or taller than the terminal and
// that nothing panics.
func TestWidthSweep(t *testing.T) {
	snap := demoSnapshot(t)
	for _, sc := range screens {
		for _, h := range []int{16, 24, 48} {
			m := sized(t, snap, 100, h, false)
			typeKeys(m, sc.keys...)
			typeText(m, sc.text)
			for w := 20; w <= 200; w++ {
				send(m, tea.WindowSizeMsg{Width: w, Height: h})
				lines := strings.Split(m.View().Content, "\n")
				if len(lines) > h {
					t.Fatalf("%s at %dx%d: %d lines", sc.name, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%s at %dx%d: line %d is %d wide: %q", sc.name, w, h, i, lw, ansi.Strip(l))
					}
				}
			}
		}
	}
}

// TestTinyAndZeroSizes: a frame can be drawn before the first size arrives
// and terminals can be resized to almost nothing.
func TestTinyAndZeroSizes(t *testing.T) {
	snap := demoSnapshot(t)
	for w := 0; w <= 70; w += 7 {
		for h := 0; h <= 20; h += 3 {
			m := sized(t, snap, w, h, false)
			typeKeys(m, "2", "enter", "?")
			_ = m.View()
		}
	}
	m, _ := newModel(t, snap, false)
	if got := m.View().Content; got != "" {
		t.Fatalf("a model without a size must render nothing, got %q", got)
	}
}
