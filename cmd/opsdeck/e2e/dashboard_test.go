//go:build unix

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// dashboardPanels are the seed's board below the tiles, by their titles.
var dashboardPanels = []string{"SERVICE STATUS (by Project)", "RESPONSE TIME (p95 Latency) [Last 24 hours] worst p95 now:",
	"RESOURCE UTILIZATION", "ACTIVE ALERTS", "DATABASE PERFORMANCE", "EXTERNAL DEPENDENCIES"}

// From 160x45 the overview is the seed's whole dashboard, the 24 h chart
// of the worst services with the target loaded; tab moves the focus, a
// key acts on the focused panel's row, enter opens its tab. At 80x24 the
// compact overview stays.
func TestDashboardOnTheBinary(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{160, 45}, {220, 60}} {
		for _, procs := range []string{"", "4"} {
			v := terminal{w: size[0], h: size[1]}
			name := fmt.Sprintf("%dx%d/own-GOMAXPROCS", size[0], size[1])
			if procs != "" {
				name = fmt.Sprintf("%dx%d/GOMAXPROCS=%s", size[0], size[1], procs)
				v.env = []string{"GOMAXPROCS=" + procs}
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				c := v.start(t, tuitest.Options{})
				c.Until("every panel of the dashboard, the chart loaded", 20*time.Second, func(s string) bool {
					for _, p := range dashboardPanels {
						if !strings.Contains(s, p) {
							return false
						}
					}
					return strings.Contains(s, "■ T Target (500ms)") && strings.Contains(s, "-24h")
				})
				c.WaitFor("▌ SERVICE STATUS (by Project)")
				c.Keys("tab")
				c.WaitFor("▌ RESPONSE TIME (p95 Latency)")
				c.Keys("tab", "tab")
				c.WaitFor("▌ ACTIVE ALERTS")
				c.Keys("l") // the focused alerts panel's first alert: its service's logs
				waitHeading(t, c, "LOGS picture-backend")
				c.Keys("esc")
				c.WaitFor("▌ ACTIVE ALERTS")
				c.Keys("enter")
				c.Until("the alerts tab", tuitest.ConsoleWait, func(s string) bool {
					return hasHeading(s, "ACTIVE ALERTS") && !strings.Contains(s, "SYSTEM HEALTH OVERVIEW")
				})
			})
		}
	}
	t.Run("80x24 stays compact", func(t *testing.T) {
		t.Parallel()
		c := terminal{w: 80, h: 24}.start(t, tuitest.Options{})
		c.WaitFor("DATABASES ")
		c.WaitFor("ACTIVE ALERTS")
		if s := c.Screen(); strings.Contains(s, "SERVICE STATUS") || strings.Contains(s, "▌") {
			t.Fatalf("the 80x24 overview grew panels:\n%s", s)
		}
	})
}
