//go:build unix

package e2e

import (
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// tab is one of the console's ten tabs: its switch key, its palette name
// and one of its aliases, and the title its screen shows first.
type tab struct {
	key, name, alias, heading string
}

// tabs in tab order, as the tab bar numbers them.
var tabs = []tab{
	{"1", "overview", "home", "SYSTEM HEALTH OVERVIEW"},
	{"2", "services", "svc", "SERVICE STATUS (by Project)"},
	{"3", "fleet", "hosts", "FLEET"},
	{"4", "latency", "p95", "RESPONSE TIME (p95)"},
	{"5", "alerts", "al", "ACTIVE ALERTS"},
	{"6", "databases", "pg", "DATABASE PERFORMANCE"},
	{"7", "dependencies", "deps", "EXTERNAL DEPENDENCIES"},
	{"8", "resources", "top", "RESOURCE UTILIZATION (top consumers)"},
	{"9", "incident", "dr", "DISASTER RECOVERY"},
	{"0", "deploys", "canary", "DEPLOYMENTS (BLUE/GREEN)"},
}

// Every tab opens with its key, its palette name and an alias, each from
// the tab before it (so every switch is seen as a change of screen); the
// keys go 2…0 and back to 1, the names 2…0 then 1, the aliases the other
// way round.
func TestEveryTabOpens(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		order := append(append([]tab(nil), tabs[1:]...), tabs[0])
		for _, tb := range order {
			c.Keys(tb.key)
			waitHeading(t, c, tb.heading)
		}
		for _, tb := range order {
			palette(t, c, tb.name)
			waitHeading(t, c, tb.heading)
		}
		for i := len(tabs) - 1; i >= 0; i-- {
			palette(t, c, tabs[i].alias)
			waitHeading(t, c, tabs[i].heading)
		}
	})
}
