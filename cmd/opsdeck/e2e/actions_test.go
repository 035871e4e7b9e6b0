//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// serviceAction is one of the actions on a service's row: its key, its
// name in the dialog and the notices, and whether the dialog wants the
// service's name typed (destructive) or y.
type serviceAction struct {
	key, kind   string
	destructive bool
	to          string // what the step adds after the container
}

var serviceActions = []serviceAction{
	{"r", "restart", true, ""}, {"R", "rollback", true, " to v"}, {"s", "stop", true, ""},
}

// confirmAndCancel presses each service action's key on the selected row
// (chat-backend), sees its plan and how it is confirmed, and cancels it
// with esc: nothing is done, and the screen is back.
func confirmAndCancel(t *testing.T, c *tuitest.Console, under string) {
	t.Helper()
	_, h := c.Size()
	for _, a := range serviceActions {
		c.Keys(a.key)
		step := "docker@prod-1: " + a.kind + " chat-backend-blue-1 (simulated)"
		if a.to != "" {
			step = "docker@prod-1: " + a.kind + " chat-backend-blue-1" + a.to // the version, named
		}
		waitPlan(t, c, strings.ToUpper(a.kind)+" chat-backend", step)
		if a.destructive {
			c.WaitFor("Type chat-backend and press enter to confirm:")
		} else {
			c.WaitFor("Proceed? y confirm · n/esc cancel")
		}
		c.Keys("esc")
		waitCancelled(t, c, h, a.kind+" chat-backend")
		waitHeading(t, c, under)
	}
	// S on a service that runs says why it does nothing, with no dialog
	// (start's dialog: TestSimulatedStopAndStartChangeTheFleet).
	c.Keys("S")
	c.Until("start refused: it runs already", tuitest.ConsoleWait, func(s string) bool {
		if strings.Contains(s, "This will:") {
			t.Fatalf("S on a running service asks to confirm:\n%s", s)
		}
		return strings.Contains(strings.ReplaceAll(s, "\n", ""), "chat-backend runs already (every container): nothing to start")
	})
	noAudit(t, c)
}

// restart, rollback and stop on a Fleet row show their plans and cancel
// with esc, doing nothing; start on it says it runs already.
func TestFleetRowActionsConfirmAndCancel(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		c.Keys("down") // chat-backend
		confirmAndCancel(t, c, "FLEET")
	})
}

// The same on a container row of a project: the action is the service's.
func TestProjectRowActionsConfirmAndCancel(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("2")
		waitHeading(t, c, "SERVICE STATUS (by Project)")
		c.Keys("down", "enter") // chat; its first row is a chat-backend container
		waitHeading(t, c, "CHAT · 3 services · 4 containers")
		confirmAndCancel(t, c, "CHAT · 3 services · 4 containers")
	})
}

// projectContainerRE is a container row of the chat project: service,
// container.
var projectContainerRE = regexp.MustCompile(`(?m)^chat-backend\s+(chat-backend-\S+?)(…)?\s`)

// A restart's plan names the containers it restarts: the ones the
// project's screen lists for the service, chat-backend's blue and green.
func TestRestartPlanNamesTheContainersShown(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("2")
		waitHeading(t, c, "SERVICE STATUS (by Project)")
		c.Keys("down", "enter")
		waitHeading(t, c, "CHAT · 3 services · 4 containers")
		var shown []string
		c.Until("chat-backend's two containers", tuitest.ConsoleWait, func(s string) bool {
			shown = shown[:0]
			for _, m := range projectContainerRE.FindAllStringSubmatch(s, -1) {
				shown = append(shown, m[1])
			}
			return len(shown) == 2
		})
		c.Keys("r")
		c.WaitFor("This will:")
		s := c.Screen()
		for _, name := range shown {
			if !strings.Contains(s, "restart "+name) {
				t.Errorf("the project lists chat-backend's containers %v, but the restart's plan does not name %s:\n%s", shown, name, s)
			}
		}
	})
}

// restoreDumpRE is one dump the restore offers; the selected one is
// marked ›.
var restoreDumpRE = regexp.MustCompile(`(›| ) (\d{4}-\d\d-\d\d 03:00 UTC · \d+ MiB · chat-\d{8}-0300\.dump)`)

// selectedDump is the dump the restore's dialog has selected, and all it
// offers in order.
func selectedDump(screen string) (selected string, all []string) {
	for _, m := range restoreDumpRE.FindAllStringSubmatch(screen, -1) {
		all = append(all, m[2])
		if m[1] == "›" {
			selected = m[2]
		}
	}
	return selected, all
}

// b on a database offers its dumps, newest first and selected; down
// selects the next (planned again); esc cancels with nothing done.
func TestDatabaseRestoreConfirmAndCancel(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("6")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		c.Keys("b") // chat, the first row
		waitPlan(t, c, "RESTORE chat", "db-1: pg_restore --clean --if-exists -d chat")
		c.WaitFor("Choose (dump, ↑/↓):")
		c.WaitFor("Type chat and press enter to confirm:")
		var dumps []string
		c.Until("five dumps, the newest selected", tuitest.ConsoleWait, func(s string) bool {
			var sel string
			sel, dumps = selectedDump(s)
			return len(dumps) == 5 && sel == dumps[0]
		})
		c.Keys("down")
		c.Until("the second dump selected", tuitest.ConsoleWait, func(s string) bool {
			sel, _ := selectedDump(s)
			return sel == dumps[1] && strings.Contains(s, "This will:")
		})
		c.Keys("esc")
		waitCancelled(t, c, h, "restore chat")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		noAudit(t, c)
	})
}

// s and S on a database stop and start the services that use it: the
// dialog shows which, and esc cancels.
func TestDatabaseServicesConfirmAndCancel(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		_, h := c.Size()
		c.Keys("6")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		// Its services run: S says so instead of planning (as on a service).
		c.Keys("S") // chat
		c.Until("start of chat's services refused: they run", tuitest.ConsoleWait, func(s string) bool {
			return strings.Contains(strings.ReplaceAll(s, "\n", ""), "the services of chat (") &&
				strings.Contains(strings.ReplaceAll(s, "\n", ""), ") run already (every container): nothing to start")
		})
		for _, a := range []struct{ key, kind string }{{"s", "stop"}} {
			c.Keys(a.key) // chat
			c.Until("the plan to "+a.kind+" chat's services", tuitest.ConsoleWait, func(s string) bool {
				bar, _ := statusBar(s, h)
				if strings.Contains(bar, "none configured") {
					t.Fatalf("%s on the DBs tab's chat row: the demo fleet names no services for its databases "+
						"(backend/config/default.yaml, databases[].services), so the console refuses instead of planning:\n%s", a.key, bar)
				}
				return strings.Contains(s, "This will:") && strings.Contains(s, strings.ToUpper(a.kind)+" chat")
			})
			c.Keys("esc")
			waitCancelled(t, c, h, a.kind+" chat")
		}
		noAudit(t, c)
	})
}
