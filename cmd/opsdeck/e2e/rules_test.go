//go:build unix

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// :rules lists the rules Prometheus evaluates, read-only (the seed's
// "Configure Alerts"): on the demo, the rule of each active alert fires
// and counts it, the others are inactive, and every rule's health and
// evaluation show.
func TestRulesScreen(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Type(":rules")
		c.Keys("enter")
		c.WaitFor("ALERT RULES  5 rules · 2 firing")
		for _, rule := range []string{"HighMemoryUsage", "SlowQuery"} {
			c.WaitFor(rule)
			if row := rowOf(c.Screen(), rule); !strings.Contains(row, " FIRING ") || !strings.Contains(row, " OK ") {
				t.Errorf("%s: row %q, want FIRING and OK (its alert is active on the demo)", rule, row)
			}
		}
		if row := rowOf(c.Screen(), "ServiceDown"); !strings.Contains(row, " INACTIVE ") || !strings.Contains(row, " ago ") {
			t.Errorf("ServiceDown: row %q, want INACTIVE, evaluated … ago", row)
		}
		c.Keys("esc")
		c.WaitFor("SYSTEM HEALTH OVERVIEW")
	})
}

// rowOf is the first line of screen with a cell that is exactly name
// (wherever its column is: GROUP goes first when the terminal is narrow),
// "" if none.
func rowOf(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		if slices.Contains(strings.Fields(l), name) {
			return l
		}
	}
	return ""
}
