//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// readOnly is a console started with --read-only.
var readOnly = tuitest.Options{Args: []string{"--read-only"}}

// --read-only says so in the header, lists no action key in help, and
// refuses to open an incident, saying why; nothing is audited.
func TestReadOnlyHidesActionsAndRefusesTheIncident(t *testing.T) {
	eachTerminalWith(t, readOnly, func(t *testing.T, c *tuitest.Console) {
		c.WaitFor("[read-only]")
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("?")
		waitHeading(t, c, helpHeading)
		c.WaitFor("logs")
		for _, action := range []string{"restart", "rollback", "stop", "start"} {
			if s := c.Screen(); strings.Contains(s, action) {
				t.Errorf("read-only help lists %q:\n%s", action, s)
			}
		}
		c.Keys("esc")
		waitHeading(t, c, "FLEET")

		c.Keys("9")
		waitHeading(t, c, "DISASTER RECOVERY")
		c.Keys("n")
		c.WaitFor("▲ read-only: viewers cannot change the incident (user root is a viewer)")
		c.WaitFor("No open incident.")
		noAudit(t, c)
	})
}

// In --read-only every action key is refused with a notice that says so,
// and no confirmation opens: on a Fleet row (r, R, s, S), a database (b,
// s, S), an alert (m).
func TestReadOnlyRefusesActionKeysWithANotice(t *testing.T) {
	eachTerminalWith(t, readOnly, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		for _, screen := range []struct {
			tab, heading string
			keys         [][2]string // key, the action it asks for
		}{
			{"3", "FLEET", [][2]string{{"r", "restart"}, {"R", "rollback"}, {"s", "stop"}, {"S", "start"}}},
			{"6", "DATABASE PERFORMANCE", [][2]string{{"b", "restore"}, {"s", "stop"}, {"S", "start"}}},
			{"5", "ACTIVE ALERTS", [][2]string{{"m", "silence"}}},
		} {
			c.Keys(screen.tab)
			waitHeading(t, c, screen.heading)
			for _, k := range screen.keys {
				replaceNotice(t, c, h)
				c.Keys(k[0])
				c.Until("a notice refusing "+k[1]+" ("+k[0]+" on "+screen.heading+") in read-only mode", tuitest.ConsoleWait, func(s string) bool {
					if strings.Contains(s, "This will:") || strings.Contains(s, "  as root") {
						t.Fatalf("%s on %s opened a confirmation in read-only mode:\n%s", k[0], screen.heading, s)
					}
					bar, _ := statusBar(s, h)
					return strings.Contains(bar, "read-only") && strings.Contains(bar, k[1])
				})
			}
		}
		noAudit(t, c)
	})
}
