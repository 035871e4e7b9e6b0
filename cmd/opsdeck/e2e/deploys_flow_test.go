//go:build unix

package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// colourRow matches a colour's row of the deployments screen with its
// containers up and traffic share.
func colourRow(colour, up, share string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\S*\s+` + colour + `\s+v\S+\s+` + regexp.QuoteMeta(up) + `\s+` + regexp.QuoteMeta(share) + `\s`)
}

// The demo walks the seed's whole blue/green flow: T shifts green to
// 50 %, M runs the migration, P promotes it once the gates held (the
// rollback window starts and D is refused inside it), then D
// decommissions blue. Each step is confirmed, runs a configured command on
// the simulated fleet and changes what the screen shows, and the history
// lists them by who ran them. The demo's 1 minute monitor is made 3 s and
// its 2 minute window 5 s here.
func TestDemoWalksTheBlueGreenFlow(t *testing.T) {
	t.Parallel()
	o := demoConfig(t, "rollback_window: 2m", "rollback_window: 5s", "monitor: 1m", "monitor: 3s")
	o.Width, o.Height = 120, 30
	c := tuitest.StartConsole(t, opsdeck, o)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("0")
	waitHeading(t, c, "DEPLOYMENTS (BLUE/GREEN)")
	c.WaitMatch(colourRow("green", "1/1", "10.0%"))
	c.WaitFor("run the migration (chat-migrate) before the promote")

	c.Keys("j", "T")
	c.WaitFor("› green gets %")
	c.Pause(readPlan)                 // keys sooner than a person reads are dropped
	c.Keys("right", "right", "enter") // 10 → 25 → 50
	waitPlan(t, c, "COMMAND chat-weight", "simulated: coolify traffic chat green 50 (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-weight", "chat-weight: exit 0 after")
	c.Keys("esc")
	c.WaitMatch(colourRow("green", "1/1", "50.0%"))
	c.WaitMatch(colourRow("blue", "1/1", "50.0%"))

	c.Keys("M")
	waitPlan(t, c, "COMMAND chat-migrate", "simulated: docker compose -p chat-green exec -T backend pnpm migration:run (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-migrate")
	c.Keys("esc")
	c.WaitFor("passes at 50%")

	c.Keys("P")
	waitPlan(t, c, "COMMAND chat-switch", "simulated: coolify switch-deployment chat green (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-switch")
	c.Keys("esc")
	c.WaitMatch(colourRow("green", "1/1", "100.0%"))
	c.WaitMatch(colourRow("blue", "1/1", "0.0%"))
	c.WaitFor("rollback window")
	c.Keys("D")
	c.WaitFor("decommission blue refused: rollback window runs for")

	time.Sleep(5 * time.Second) // the window passes
	c.Keys("D")
	waitPlan(t, c, "COMMAND chat-down", "simulated: docker compose -p chat-blue stop (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-down")
	c.Keys("esc")
	c.WaitMatch(colourRow("blue", "0/1", "0.0%"))

	c.Keys("enter")
	waitHeading(t, c, "DEPLOYMENT HISTORY · CHAT")
	for _, step := range []string{`shift\s+green\s+v\S+\s+50%\s+root\s+ok`, `migrate\s+green\s+v\S+\s+–\s+root\s+ok`, `promote\s+green\s+v\S+\s+100%\s+root\s+ok`, `decommission\s+blue\s+v\S+\s+–\s+root\s+ok`} {
		c.WaitMatch(regexp.MustCompile(step))
	}
}
