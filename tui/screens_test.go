package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// step is what a person does and then waits to see: keys pressed, text
// typed (a newline is enter), and the text on screen once it took effect.
type step struct {
	keys []string
	text string
	want string
	// down and hostile, when set, are what shows instead while prometheus
	// is down and when every name is hostile (see walk).
	down, hostile string
}

// screen is one thing a person can look at, reached by steps from the
// overview. The last step's want is on screen only once the screen is
// complete (its requested data has come).
type screen struct {
	name  string
	steps []step
}

func keys(want string, k ...string) step { return step{keys: k, want: want} }

var screens = []screen{
	{"overview", []step{keys("SYSTEM HEALTH OVERVIEW")}},
	{"services", []step{keys("SERVICE STATUS (by Project)", "2")}},
	{"project", []step{keys("SERVICE STATUS (by Project)", "2"), keys(" · 3 services · 4 containers", "j", "enter")}},
	{"fleet", []step{keys("FLEET ·", "3")}},
	{"latency", []step{keys("RESPONSE TIME (p95)", "4")}},
	{"alerts", []step{keys("SEVERITY", "5")}},
	// Without prometheus there is no alert to open: enter does nothing.
	{"alert-detail", []step{keys("SEVERITY", "5"), {keys: []string{"enter"}, want: "LABELS", down: "no rows"}}},
	{"databases", []step{keys("DATABASE PERFORMANCE", "6")}},
	{"db-detail", []step{keys("DATABASE PERFORMANCE", "6"), {keys: []string{"j", "enter"}, want: "by client", down: "no rows"}}},
	{"dependencies", []step{keys("EXTERNAL DEPENDENCIES", "7")}},
	{"resources", []step{keys("RESOURCE UTILIZATION", "8")}},
	{"checks", []step{keys("✖ 2/3 passed", "c")}},
	{"logs", []step{keys("FLEET ·", "3"), keys("INFO GET /api/items 200 21ms", "j", "l")}},
	// The fake history has chat-backend only, which hostile names are not.
	{"chart", []step{keys("RESPONSE TIME (p95)", "4"), {keys: []string{"j", "enter"}, want: "■ a chat-backend", hostile: "no p95 data for"}}},
	{"help", []step{keys("KEY BINDINGS", "?")}},
	{"palette", []step{{keys: []string{":"}, text: "ser", want: ":ser"}}},
	{"filter", []step{keys("SERVICE STATUS (by Project)", "2"), {keys: []string{"/"}, text: "pic", want: "/pic"}}},
	{"incident", []step{keys("No open incident.", "9")}},
	{"silences", []step{{keys: []string{":"}, text: "silences\n", want: "as of 12:34:56"}}},
	{"deploys", []step{keys("DEPLOYMENTS (BLUE/GREEN)", "0")}},
}

// walk takes tt through the steps, waiting for each to show; variant is
// the fleet's state ("prometheus-down", "hostile", or "" for the demo as
// it is). A step's want must not be on screen before its keys, or waiting
// for it would not wait for them.
func walk(t *testing.T, tt *tuitest.Term, steps []step, variant string) {
	t.Helper()
	for _, s := range steps {
		want := s.want
		switch {
		case variant == "prometheus-down" && s.down != "":
			// The step changes nothing then: its keys find nothing to act on.
			tt.Keys(s.keys...)
			tt.Type(s.text)
			tt.WaitFor(s.down)
			continue
		case variant == "hostile" && s.hostile != "":
			want = s.hostile
		}
		before := tt.Plain()
		acts := len(s.keys) > 0 || s.text != ""
		tt.Keys(s.keys...)
		tt.Type(s.text)
		if acts && strings.Contains(before, want) {
			// The overview's dashboard shows the other tabs' headings
			// already: wait for the screen the keys bring, not the one
			// before them.
			tt.WaitScreen(fmt.Sprintf("%q after %v %q", want, s.keys, s.text), func(now string) bool {
				return now != before && strings.Contains(now, want)
			})
			continue
		}
		tt.WaitFor(want)
	}
}

var sizes = []struct{ w, h int }{{80, 24}, {160, 48}}

// TestScreens goldens every screen at both sizes with the sources healthy
// and with prometheus failing. Goldens are the emulated screen of the
// running program, ANSI stripped, trailing blanks trimmed; regenerate
// with: go test ./tui -run TestScreens -update
func TestScreens(t *testing.T) {
	for _, state := range []string{"healthy", "prometheus-down"} {
		var fail []string
		if state == "prometheus-down" {
			fail = []string{"prometheus"}
		}
		snap := demoSnapshot(t, fail...)
		for _, sc := range screens {
			for _, sz := range sizes {
				name := fmt.Sprintf("%s/%s/%dx%d", state, sc.name, sz.w, sz.h)
				t.Run(name, func(t *testing.T) {
					c := startConsole(t, snap, sz.w, sz.h, false)
					walk(t, c.Term, sc.steps, state)
					golden.RequireEqual(t, []byte(c.WaitDrawn()))
				})
			}
		}
	}
}

func TestTooSmall(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 50, 10, false)
	got := c.WaitScreen("the too-small notice", func(s string) bool {
		return strings.Contains(s, "terminal too small") && strings.Contains(s, "50x10 (need 60x16)")
	})
	golden.RequireEqual(t, []byte(got))
}

// TestWidthSweep renders every screen at every width from 20 to 200 (and
// a few heights), resizing one running console as a person dragging the
// window would, and checks that no frame the model draws is wider or
// taller than the terminal, and that nothing panics.
func TestWidthSweep(t *testing.T) {
	snap := demoSnapshot(t)
	for _, sc := range screens {
		for _, h := range []int{16, 24, 48} {
			t.Run(fmt.Sprintf("%s/%d", sc.name, h), func(t *testing.T) {
				c := startConsole(t, snap, 100, h, false)
				walk(t, c.Term, sc.steps, "")
				for w := 20; w <= 200; w++ {
					c.Resize(w, h)
					requireFits(t, sc.name, c.FrameAt(w, h), w, h)
				}
			})
		}
	}
}

// requireFits fails when frame has more than h lines or a line wider
// than w.
func requireFits(t *testing.T, what, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		t.Fatalf("%s at %dx%d: %d lines", what, w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%s at %dx%d: line %d is %d wide: %q", what, w, h, i, lw, ansi.Strip(l))
		}
	}
}

// TestTinyAndZeroSizes: a frame can be drawn before the first size arrives
// and terminals can be resized to almost nothing.
func TestTinyAndZeroSizes(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("enter")
	c.WaitFor("MANA-CORE-AUTH · ")
	c.Keys("?")
	c.WaitFor("KEY BINDINGS")
	for w := 0; w <= 70; w += 7 {
		for h := 0; h <= 20; h += 3 {
			// Keys at every size too: close help and the detail, open
			// them again.
			c.Keys("esc", "esc", "2", "enter", "?")
			c.Resize(w, h)
			if f := c.FrameAt(w, h); w == 0 || h == 0 {
				if f != "" {
					t.Fatalf("at %dx%d the console must draw nothing, got %q", w, h, f)
				}
			} else {
				requireFits(t, "project help", f, w, h)
			}
		}
	}
	m, _ := newModel(t, demoSnapshot(t), false)
	if got := m.View().Content; got != "" {
		t.Fatalf("a model without a size must render nothing, got %q", got)
	}
}
