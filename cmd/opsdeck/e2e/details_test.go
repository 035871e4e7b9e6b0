//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// deployedGreenRE is the history's row of the green deploy.
var deployedGreenRE = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d\s+deployed\s+green\s+v\d+\.\d+\.\d+`)

// waitCrumb waits until the tab bar names the open detail ("› chat").
func waitCrumb(t *testing.T, c *tuitest.Console, title string) {
	t.Helper()
	c.Until("the tab bar naming the detail "+title, tuitest.ConsoleWait, func(s string) bool {
		return strings.HasSuffix(row(s, 1), "› "+title)
	})
}

// closeDetail presses esc and waits for the screen it was opened from,
// with no detail named in the tab bar any more.
func closeDetail(t *testing.T, c *tuitest.Console, under string) {
	t.Helper()
	c.Keys("esc")
	c.Until("esc back to "+under, tuitest.ConsoleWait, func(s string) bool {
		return hasHeading(s, under) && !strings.Contains(row(s, 1), "›")
	})
}

// Every detail opens over the screen it belongs to, names itself in the
// tab bar, shows its own content, and esc closes it back to that screen:
// a project from Services and from Fleet, a service's logs, an alert, the
// 24 h chart, a deployment's history, the health checks and the silences.
// (The action screen is the actions' tests'.)
func TestEveryDetailOpensAndCloses(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("2")
		waitHeading(t, c, "SERVICE STATUS (by Project)")
		c.Keys("down", "enter") // chat, the second project
		waitHeading(t, c, "CHAT · 3 services · 4 containers")
		waitCrumb(t, c, "chat")
		c.WaitFor("chat-backend-green")
		closeDetail(t, c, "SERVICE STATUS (by Project)")

		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("down", "enter") // chat-backend, of the project chat
		waitHeading(t, c, "CHAT · 3 services · 4 containers")
		waitCrumb(t, c, "chat")
		closeDetail(t, c, "FLEET")
		c.Keys("l") // the cursor is still on chat-backend
		waitHeading(t, c, "LOGS chat-backend")
		waitCrumb(t, c, "logs chat-backend")
		c.WaitMatch(logLineRE)
		closeDetail(t, c, "FLEET")

		c.Keys("5")
		waitHeading(t, c, "ACTIVE ALERTS")
		c.Keys("enter") // the warning, first
		c.Until("the alert's labels", tuitest.ConsoleWait, func(s string) bool {
			return strings.HasPrefix(heading(s), "▲ WARNING  HighMemoryUsage") &&
				strings.Contains(s, "LABELS") && strings.Contains(s, "service      picture-backend")
		})
		waitCrumb(t, c, "HighMemoryUsage")
		closeDetail(t, c, "ACTIVE ALERTS")

		c.Keys("4")
		waitHeading(t, c, "RESPONSE TIME (p95)")
		c.Keys("enter")
		c.Until("the chart's axis", tuitest.ConsoleWait, func(s string) bool {
			return hasHeading(s, "RESPONSE TIME (p95 Latency) [Last 24 hours] mana-core-auth") && chartAxisEndRE.MatchString(s)
		})
		closeDetail(t, c, "RESPONSE TIME (p95)")

		c.Keys("0")
		waitHeading(t, c, "DEPLOYMENTS (BLUE/GREEN)")
		c.Keys("enter")
		waitHeading(t, c, "DEPLOYMENT HISTORY · CHAT")
		waitCrumb(t, c, "History")
		c.WaitMatch(deployedGreenRE)
		closeDetail(t, c, "DEPLOYMENTS (BLUE/GREEN)")

		c.Keys("c")
		waitChecksPassed(t, c)
		closeDetail(t, c, "DEPLOYMENTS (BLUE/GREEN)")

		palette(t, c, "silences")
		c.WaitMatch(silencesLoadedRE)
		waitCrumb(t, c, "Silences")
		closeDetail(t, c, "DEPLOYMENTS (BLUE/GREEN)")
	})
}
