//go:build unix

package e2e

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

var (
	checksPassedRE = regexp.MustCompile(`HEALTH CHECKS\s+✓ (\d+)/(\d+) passed`)
	// A passing row: service, URL, code, latency, result.
	checkRowRE = regexp.MustCompile(`(?m)^(\S+)\s+https://\S+\s+200\s+(\d+) ms\s+● PASS$`)
)

// checkLatencies is the latency of each passing row on screen, by
// service, and how many rows pass.
func checkLatencies(screen string) (map[string]string, int) {
	lat := map[string]string{}
	for _, m := range checkRowRE.FindAllStringSubmatch(screen, -1) {
		lat[m[1]] = m[2]
	}
	return lat, len(lat)
}

// waitChecksPassed waits for the summary and every row it counts to pass
// and returns the rows' latencies.
func waitChecksPassed(t *testing.T, c *tuitest.Console) map[string]string {
	t.Helper()
	var lat map[string]string
	c.Until("every health check passed, in the summary and the rows", tuitest.ConsoleWait, func(s string) bool {
		m := checksPassedRE.FindStringSubmatch(s)
		if m == nil || m[1] != m[2] {
			return false
		}
		var n int
		lat, n = checkLatencies(s)
		return fmt.Sprint(n) == m[2]
	})
	return lat
}

// c runs every health check and shows the results; c again runs them
// again. Before the fix the view said "running…" over no rows forever
// (the results went to the screen under it) and ignored c, since a run
// was still going.
//
// What shows a second run: the simulated checker answers in well under a
// millisecond, so "running…" is rarely drawn, and the view has no time
// stamp; but a check's latency is drawn afresh for each 10 s of the
// clock (backend/sim/health.go). So the second run waits until the
// console's clock is in the next 10 s, after the first run's results
// were read, and then the latencies change.
func TestHealthChecksRunAndRerun(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("c")
		first := waitChecksPassed(t, c)
		read := time.Now().UTC() // the first run answered before this
		waitClockReaches(t, c, read.Truncate(10*time.Second).Add(10*time.Second))
		c.Keys("c")
		c.Until("the checks run again: passed, with new latencies", tuitest.ConsoleWait, func(s string) bool {
			m := checksPassedRE.FindStringSubmatch(s)
			lat, n := checkLatencies(s)
			if m == nil || m[1] != m[2] || fmt.Sprint(n) != m[2] {
				return false
			}
			for svc, ms := range lat {
				if first[svc] != ms {
					return true
				}
			}
			return false
		})
	})
}
