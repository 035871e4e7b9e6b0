//go:build unix

package e2e

import (
	"regexp"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The service keys work on every screen whose rows are services, as on
// the Fleet: an alert's r restarts its service, Latency's l opens the
// selected service's logs, Resources' s stops it (each cancelled with esc).
func TestRowKeysActOnTheRowsService(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("5")
		waitHeading(t, c, "ACTIVE ALERTS")
		c.WaitMatch(regexp.MustCompile(`(?m)^▲ WARNING\s+picture-backend`)) // the first row
		c.Keys("r")
		waitPlan(t, c, "RESTART picture-backend", "docker@prod-1: restart picture-backend-1 (simulated)")
		c.Keys("esc")
		waitCancelled(t, c, h, "restart picture-backend")

		c.Keys("4")
		waitHeading(t, c, "RESPONSE TIME (p95)")
		c.Keys("l") // the first row: mana-core-auth
		c.WaitFor("LOGS mana-core-auth")
		c.Keys("esc")
		waitHeading(t, c, "RESPONSE TIME (p95)")

		c.Keys("8")
		waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")
		c.Keys("s")
		c.WaitMatch(regexp.MustCompile(`STOP \S+  as root`))
		c.Keys("esc")
		waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")
		noAudit(t, c)
	})
}

// enter on an alert's detail goes to its service: the service's project
// with the service selected, from which its keys act on it.
func TestAlertDetailGoesToItsService(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("5")
		waitHeading(t, c, "ACTIVE ALERTS")
		c.Keys("enter") // the first alert: High Memory Usage on picture-backend
		c.WaitFor("LABELS")
		c.WaitFor("picture-backend")
		c.Keys("enter")
		waitHeading(t, c, "PICTURE")
		c.Keys("l") // the selected row is picture-backend's: its logs
		waitHeading(t, c, "LOGS picture-backend")
		c.Keys("esc")
		waitHeading(t, c, "PICTURE")
		// :goto selects a service that is not the project's first row.
		c.Keys(":")
		c.Type("goto picture-web")
		c.WaitFor(":goto picture-web")
		c.Keys("enter")
		waitHeading(t, c, "PICTURE")
		c.Keys("l")
		waitHeading(t, c, "LOGS picture-web")
	})
}
