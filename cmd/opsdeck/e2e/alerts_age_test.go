//go:build unix

package e2e

import (
	"regexp"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// Where there is room, an alert says how long it has fired beside when it
// started ("12:29:27   5m ago"); at 80 columns the summary keeps that room.
func TestAlertsShowTheirAge(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 160, Height: 30, Args: []string{"--clock", "2026-11-26T12:34:56Z"}})
	c.Keys("5")
	waitHeading(t, c, "ACTIVE ALERTS")
	c.WaitMatch(regexp.MustCompile(`(?m)^▲ WARNING\s+picture-backend\s+High Memory Usage \(\d+% > 80%\)\s+firing\s+\d\d:\d\d:\d\d\s+\d+m ago$`))
	c.WaitFor("AGE")

	n := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 80, Height: 24, Args: []string{"--clock", "2026-11-26T12:34:56Z"}})
	n.Keys("5")
	waitHeading(t, n, "ACTIVE ALERTS")
	n.WaitMatch(regexp.MustCompile(`High Memory Usage \(\d+% > 80%\)\s+firing`))
}
