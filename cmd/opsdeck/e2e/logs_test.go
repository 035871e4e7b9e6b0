//go:build unix

package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The logs view's heading counts the lines it holds; a simulated line is
// "HH:MM:SS.mmm │ INFO GET /api/…" on stdout, and every tenth one after
// the tail is "E WARN slow query on <project> …" on stderr, a line every
// 400 ms (backend/sim/logs.go).
var (
	logCountRE = regexp.MustCompile(`following · (\d+) lines`)
	logLineRE  = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\.\d{3} │ INFO GET /api/\w+ 200 \d+ms req=[0-9a-f]{8}$`)
)

// openFleetLogs opens the logs of chat-backend, the Fleet tab's second
// row, as a person does: 3, down, l.
func openFleetLogs(t *testing.T, c *tuitest.Console) {
	t.Helper()
	c.Keys("3")
	c.Until("the Fleet tab's rows", tuitest.ConsoleWait, func(s string) bool {
		return strings.Contains(s, "FLEET ·") && strings.Contains(s, "chat-backend")
	})
	c.Keys("down", "l")
	c.WaitFor("LOGS chat-backend")
}

// waitLogCountAbove waits until the heading counts more than floor lines
// and returns the count.
func waitLogCountAbove(t *testing.T, c *tuitest.Console, floor int) int {
	t.Helper()
	var n int
	c.Until("the log line count above "+strconv.Itoa(floor), tuitest.ConsoleWait, func(s string) bool {
		m := logCountRE.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		n, _ = strconv.Atoi(m[1])
		return n > floor
	})
	return n
}

// Logs opened from the Fleet tab show the service's lines: its tail at
// once, then new ones, among them a stderr line naming its project.
// Before the fix the view stayed at "following · 0 lines": the first
// batch went to whichever screen was on top when it came.
func TestFleetLogsShowLines(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openFleetLogs(t, c)
		waitLogCountAbove(t, c, 0)
		c.WaitMatch(logLineRE)
		c.WaitFor("E WARN slow query on chat took")
	})
}

// Logs keep streaming after a health check covered them: c opens the
// checks over the logs, esc comes back, and new lines still arrive.
// Before the fix a batch that came while the checks were on top went to
// the checks view, and with it the logs' wait for the next one: the
// stream stopped for good.
func TestLogsStreamAfterChecks(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openFleetLogs(t, c)
		n := waitLogCountAbove(t, c, 0)
		waitLogCountAbove(t, c, n) // streaming, not just the tail
		c.Keys("c")
		c.WaitFor("HEALTH CHECKS")
		// Stay on the checks for two seconds of the console's clock:
		// several lines (one per 400 ms) come while they cover the logs.
		start, ok := headerClock(c.Screen())
		if !ok {
			t.Fatalf("no clock in the header:\n%s", c.Screen())
		}
		waitClockReaches(t, c, start.Add(2*time.Second))
		c.Keys("esc")
		c.WaitFor("LOGS chat-backend")
		n = waitLogCountAbove(t, c, 0)
		waitLogCountAbove(t, c, n)
	})
}
