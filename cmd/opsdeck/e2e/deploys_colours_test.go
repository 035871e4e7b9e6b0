//go:build unix

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// Blue and green each show their own error rate and p95 on the demo's
// deployments screen (both showed the service's error rate).
func TestDeploysColoursHaveTheirOwnFigures(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 160, Height: 30})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("0")
	waitHeading(t, c, "DEPLOYMENTS (BLUE/GREEN)")
	c.WaitFor("held 1m0s at 10%") // the figures are in
	// A colour's figures are the cells just before its gates' marks
	// (✓ or ✗): the error rate, then the p95.
	figures := func(colour string) []string {
		for _, l := range strings.Split(c.Screen(), "\n") {
			f := strings.Fields(l)
			if !slices.Contains(f, colour) {
				continue
			}
			var out []string
			for i := 1; i < len(f); i++ {
				if strings.HasPrefix(f[i], "✓") || strings.HasPrefix(f[i], "✗") {
					out = append(out, f[i-1])
				}
			}
			if len(out) == 2 {
				return out
			}
		}
		t.Fatalf("no %s row with two gates:\n%s", colour, c.Screen())
		return nil
	}
	blue, green := figures("blue"), figures("green")
	if blue[0] == green[0] || blue[1] == green[1] {
		t.Errorf("blue %v and green %v show the same error rate or p95", blue, green)
	}
}
