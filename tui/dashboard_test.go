package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The overview grows into the seed's whole board as the terminal does: the
// compact overview at 80x24, panels as they fit at 120x40, every panel in
// two columns at 160x45 and in three at 220x60. Regenerate with
// go test ./tui -run TestDashboard -update.
func TestDashboard(t *testing.T) {
	snap := demoSnapshot(t)
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {160, 45}, {220, 60}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			c := startConsole(t, snap, sz.w, sz.h, false)
			c.WaitFor("SYSTEM HEALTH OVERVIEW")
			if sz.w >= 160 {
				c.WaitFor("■ T Target (500ms)") // the chart's history has come
			}
			screen := c.WaitDrawn()
			requireFits(t, "dashboard", c.FrameAt(sz.w, sz.h), sz.w, sz.h)
			golden.RequireEqual(t, []byte(screen))
		})
	}
}

// Which panels the overview draws follows the layout rule at every size,
// with nothing of the compact overview lost on the way: where the
// databases or dependencies panel is left out, their summary line stays.
func TestDashboardPanelsAsTheyFit(t *testing.T) {
	snap := demoSnapshot(t)
	panels := []string{"SERVICE STATUS (by Project)", "RESPONSE TIME (p95 Latency)", "RESOURCE UTILIZATION", "ACTIVE ALERTS",
		"DATABASE PERFORMANCE", "EXTERNAL DEPENDENCIES"}
	for _, c := range []struct {
		w, h      int
		drawn     []string // of panels, by prefix
		summaries []string
	}{
		{80, 24, []string{"ACTIVE ALERTS"}, []string{"DATABASES ", "DEPENDENCIES "}},
		{120, 40, []string{"SERVICE STATUS", "ACTIVE ALERTS", "DATABASE PERFORMANCE"}, []string{"DEPENDENCIES "}},
		{160, 45, panels, nil},
		{220, 60, panels, nil},
	} {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			con := startConsole(t, snap, c.w, c.h, false)
			con.WaitFor("SYSTEM HEALTH OVERVIEW")
			s := con.Plain()
			for _, p := range panels {
				want := false
				for _, d := range c.drawn {
					want = want || strings.HasPrefix(p, d)
				}
				if got := strings.Contains(s, p); got != want {
					t.Errorf("panel %q drawn: %v, want %v", p, got, want)
				}
			}
			for _, sum := range []string{"DATABASES ", "DEPENDENCIES "} {
				want := false
				for _, w := range c.summaries {
					want = want || w == sum
				}
				has := false
				for _, l := range strings.Split(s, "\n") {
					has = has || strings.HasPrefix(l, sum+" ") || strings.HasPrefix(l, sum+"●")
				}
				if has != want {
					t.Errorf("summary line %q: %v, want %v\n%s", sum, has, want, s)
				}
			}
		})
	}
}

// tab and shift+tab move the focus (the ▌ bar) from panel to panel, a
// key goes to the focused one, and enter opens its tab.
func TestDashboardFocus(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 160, 45, false)
	c.WaitFor("▌ SERVICE STATUS (by Project)")
	c.Keys("tab")
	c.WaitFor("▌ RESPONSE TIME (p95 Latency)")
	c.Keys("tab", "tab")
	c.WaitFor("▌ ACTIVE ALERTS")
	c.Keys("shift+tab")
	c.WaitFor("▌ RESOURCE UTILIZATION")
	c.Keys("tab", "l") // the focused alerts panel's selected alert: its service's logs
	c.WaitFor("LOGS picture-backend")
	c.Keys("esc")
	c.WaitFor("▌ ACTIVE ALERTS")
	c.Keys("enter")
	c.WaitScreen("the alerts tab", func(s string) bool {
		return strings.Contains(s, "ACTIVE ALERTS") && !strings.Contains(s, "SYSTEM HEALTH OVERVIEW")
	})
}
