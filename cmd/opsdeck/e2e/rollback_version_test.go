//go:build unix

package e2e

import (
	"regexp"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// rollbackVersionRE is one version the rollback offers; the selected one
// is marked ›.
var rollbackVersionRE = regexp.MustCompile(`(›| ) (v\d+\.\d+\.\d+) · deployed \d{4}-\d\d-\d\d \d\d:\d\d UTC`)

// The seed's "rollback.sh chat v1.5.2": R offers the versions the service
// ran before, newest first, the one before selected; choosing another
// re-plans for it, the plan names it, and after the rollback the fleet
// runs it.
func TestRollbackToANamedVersion(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("/")
		c.Type("chat-web")
		c.Keys("enter")
		c.WaitMatch(regexp.MustCompile(`(?m)^chat-web\s+(chat\s+)?prod-1\s`)) // no PROJECT at 80 columns
		c.Keys("R")
		c.WaitFor("Choose (version, ↑/↓):")
		var offered []string
		selected := ""
		c.Until("four versions offered, the newest selected", tuitest.ConsoleWait, func(s string) bool {
			offered, selected = offered[:0], ""
			for _, m := range rollbackVersionRE.FindAllStringSubmatch(s, -1) {
				offered = append(offered, m[2])
				if m[1] == "›" {
					selected = m[2]
				}
			}
			return len(offered) == 4 && selected == offered[0]
		})
		waitPlan(t, c, "ROLLBACK chat-web", "docker@prod-1: rollback chat-web-1 to "+offered[0]+" (simulated)")
		c.Keys("down")
		waitPlan(t, c, "ROLLBACK chat-web", "docker@prod-1: rollback chat-web-1 to "+offered[1]+" (simulated)")
		c.WaitFor("› " + offered[1] + " · deployed")
		c.Type("chat-web")
		c.Keys("enter")
		waitDone(t, c, "ROLLBACK chat-web")
		c.Keys("esc")
		waitHeading(t, c, "FLEET")
		c.WaitMatch(regexp.MustCompile(`(?m)^chat-web\s+(chat\s+)?prod-1\s+● UP\s+` + regexp.QuoteMeta(offered[1]) + `\s`))
	})
}
