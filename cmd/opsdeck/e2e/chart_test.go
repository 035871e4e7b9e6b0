//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The chart's x axis ends at 0h, its last line of labels.
var chartAxisEndRE = regexp.MustCompile(`(?m)^\s+-24h\s.*\s0h$`)

// enter on the Latency tab draws the 24-hour p95 chart of the selected
// service: an x axis from -24h to 0h and a legend with the target line.
// Before the fix it said "loading…" forever: the answer went to the
// Latency tab, not the chart pushed over it.
func TestLatencyChartDraws(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("4")
		c.Until("the Latency tab's rows", tuitest.ConsoleWait, func(s string) bool {
			return strings.Contains(s, "TARGET") && strings.Contains(s, "mana-core-auth")
		})
		c.Keys("enter")
		c.WaitFor("RESPONSE TIME (p95 Latency) [Last 24 hours] mana-core-auth")
		c.Until("the chart's axis and legend", tuitest.ConsoleWait, func(s string) bool {
			return chartAxisEndRE.MatchString(s) && strings.Contains(s, "■ a mana-core-auth") &&
				strings.Contains(s, "■ T Target (500ms)") && !strings.Contains(s, "loading…")
		})
	})
}
