//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The demo's overview counts as the seed does: a service with a warning
// is not healthy ("14 / 15" beside "1 Service Warning").
func TestOverviewCountsAWarningAsNotHealthy(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.WaitFor("│ 14 / 15 ")
		c.WaitFor("1 Service Warning: picture-backend (High Memory: 85%)")
	})
}

// With one service down and one warning, the overview names each for
// what it is ("1 down: … · 1 warning: …"), never "2 Service Warnings",
// and counts neither healthy.
func TestOverviewSaysDownAndWarningApart(t *testing.T) {
	o := demoConfig(t, "chat-web:               {rps: 110,", "chat-web:               {down: true, rps: 110,")
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		c.WaitFor("│ 13 / 15 ")
		c.WaitFor("Degraded")
		c.WaitFor("1 down: chat-web (chat-web-1 exited)")
		c.WaitFor("1 warning: picture-backend (High Memory: 85%)")
		if s := c.Screen(); strings.Contains(s, "Service Warning") {
			t.Errorf("a service down is called a warning:\n%s", s)
		}
	})
}
