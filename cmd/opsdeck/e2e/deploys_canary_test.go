//go:build unix

package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The seed's canary on the demo: a shift to green starts the monitor
// period, whose countdown the screen shows on the row and under it; P
// inside it is refused with the time left and asks nothing; the
// migration is a step of its own (not run, then done by whom); green's
// health URL answers (✔); once the gates held for the period P promotes.
// The demo's 1 minute monitor is made 12 s here.
func TestDemoCanaryWaitsForTheMonitorHealthAndMigration(t *testing.T) {
	t.Parallel()
	o := demoConfig(t, "monitor: 1m", "monitor: 12s")
	o.Width, o.Height = 140, 30
	c := tuitest.StartConsole(t, opsdeck, o)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("0")
	waitHeading(t, c, "DEPLOYMENTS (BLUE/GREEN)")
	c.WaitMatch(colourRow("green", "1/1", "10.0%"))
	c.WaitFor("○ migrate  not run for green · M runs chat-migrate")
	c.WaitMatch(regexp.MustCompile(`✔ health\s+GREEN http://localhost:3002/api/health: HTTP 200 in \d+ms`))

	// The canary's 10 %, shifted: the clock starts.
	c.Keys("j", "T")
	c.WaitFor("› green gets %")
	c.Pause(readPlan)
	c.Keys("enter")
	waitPlan(t, c, "COMMAND chat-weight", "simulated: coolify traffic chat green 10 (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-weight")
	c.Keys("esc")
	c.WaitMatch(regexp.MustCompile(`◷ monitor\s+0:(0\d|1[0-2]) left of 12s · gates holding since \d\d:\d\d:\d\d`))
	c.WaitMatch(regexp.MustCompile(`green\s+v\S+\s+1/1\s+10.0%.*HOLD 0:\d\d`)) // the countdown on the row

	c.Keys("P")
	c.WaitMatch(regexp.MustCompile(`✖ promote green refused: green v\S+ at 10%: monitoring, 0:\d\d left of 12s · gates holding`))
	if s := c.Screen(); regexp.MustCompile(`This will:|COMMAND chat-switch`).MatchString(s) {
		t.Fatalf("a refused promote asked:\n%s", s)
	}

	c.Keys("M")
	waitPlan(t, c, "COMMAND chat-migrate", "simulated: docker compose -p chat-green exec -T backend pnpm migration:run (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-migrate")
	c.Keys("esc")
	c.WaitMatch(regexp.MustCompile(`✔ migrate\s+done at \d\d:\d\d:\d\d by root`))

	// The period passes with the gates holding: health GREEN ✔, promote.
	time.Sleep(5 * time.Second) // what is left of the 12 s, beyond a wait's 10 s
	c.WaitMatch(regexp.MustCompile(`✔ monitor\s+gates held 12s`))
	c.WaitMatch(regexp.MustCompile(`✔ health\s+GREEN http://localhost:3002/api/health: HTTP 200`))
	c.WaitFor("held for 12s; health GREEN ✔; migrated")
	c.Keys("P")
	waitPlan(t, c, "COMMAND chat-switch", "simulated: coolify switch-deployment chat green (timeout 5m0s)")
	c.Type("chat-backend")
	c.Keys("enter")
	waitDone(t, c, "COMMAND chat-switch")
	c.Keys("esc")
	c.WaitMatch(colourRow("green", "1/1", "100.0%"))
	c.WaitFor("rollback window")
}
