//go:build unix

package e2e

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// fleetRowRE is a row of the Fleet table: the service first, its host
// (every demo service runs on prod-1) further on.
var fleetRowRE = regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*)\s.*\sprod-1\s`)

// fleetOrder is the services of the Fleet table in the order shown.
func fleetOrder(screen string) []string {
	var out []string
	for _, m := range fleetRowRE.FindAllStringSubmatch(screen, -1) {
		out = append(out, m[1])
	}
	return out
}

// projectOf is the demo project of a service: its name without the
// component.
func projectOf(service string) string {
	for _, comp := range []string{"-backend", "-web", "-landing"} {
		if p, ok := strings.CutSuffix(service, comp); ok {
			return p
		}
	}
	return service
}

// waitFleetOrder waits until the Fleet table shows all n rows, ordered as
// ok says, and returns them.
func waitFleetOrder(t *testing.T, c *tuitest.Console, what string, n int, ok func([]string) bool) []string {
	t.Helper()
	var rows []string
	c.Until(fmt.Sprintf("%d Fleet rows %s", n, what), tuitest.ConsoleWait, func(s string) bool {
		rows = fleetOrder(s)
		return len(rows) == n && ok(rows)
	})
	return rows
}

// The Fleet table filters as typed and says how many rows match, esc
// clears the filter; o sorts by the next column and O reverses, seen as
// the order of the rows on screen and the arrow in the header.
func TestTableFiltersAndSorts(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		given := waitFleetOrder(t, c, "as given", 15, func([]string) bool { return true })

		c.Keys("/")
		c.Type("chat")
		waitFleetOrder(t, c, "matching chat", 3, func(r []string) bool {
			return slices.Equal(r, []string{"chat-backend", "chat-web", "chat-landing"})
		})
		c.Keys("enter")
		c.WaitFor("filter: chat (3 of 15) · esc clears")
		c.Keys("esc")
		c.WaitGone("filter: chat")
		waitFleetOrder(t, c, "as given after esc", 15, func(r []string) bool { return slices.Equal(r, given) })

		c.Keys("o")
		c.WaitMatch(regexp.MustCompile(`(?m)^SERVICE↑\s`))
		asc := waitFleetOrder(t, c, "by name", 15, func(r []string) bool { return slices.IsSorted(r) })
		if slices.Equal(asc, given) {
			t.Fatalf("sorting by name did not change the order: %v", given)
		}
		c.Keys("O")
		c.WaitMatch(regexp.MustCompile(`(?m)^SERVICE↓\s`))
		desc := slices.Clone(asc)
		slices.Reverse(desc)
		waitFleetOrder(t, c, "by name, reversed", 15, func(r []string) bool { return slices.Equal(r, desc) })
		// The next o sorts by the next column on screen, still descending:
		// PROJECT where there is room for it (within a project the rows keep
		// their last order), the next one shown where the table dropped it.
		c.Keys("o")
		c.WaitMatch(regexp.MustCompile(`(?m)^SERVICE\s.*↓`))
		if strings.Contains(row(c.Screen(), 3), "PROJECT↓") {
			waitFleetOrder(t, c, "by project, reversed", 15, func(r []string) bool {
				return !slices.Equal(r, desc) && slices.IsSortedFunc(r, func(a, b string) int {
					return strings.Compare(projectOf(b), projectOf(a))
				})
			})
		}
	})
}

// Which column the rows are sorted by is read from the header's arrow,
// wherever that column is. o cycles through the columns on screen (at 80
// columns the table drops PROJECT, and sorting by what nobody can see
// would reorder the rows for no visible reason): after every o a header
// has the arrow, until the cycle ends back at the given order.
func TestSortArrowShowsTheSortColumn(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("3")
		waitHeading(t, c, "FLEET")
		given := waitFleetOrder(t, c, "as given", 15, func([]string) bool { return true })
		header := regexp.MustCompile(`(?m)^SERVICE`)
		c.WaitMatch(header)
		var arrows []string
		for range 12 {
			before := row(c.Screen(), 3)
			c.Keys("o")
			c.Until("the header to change after o", tuitest.ConsoleWait, func(s string) bool { return row(s, 3) != before })
			h := row(c.Screen(), 3)
			if !strings.Contains(h, "↑") {
				// Back to the given order: no arrow, the rows as they came.
				waitFleetOrder(t, c, "as given again", 15, func(r []string) bool { return slices.Equal(r, given) })
				break
			}
			col := strings.Fields(h[:strings.Index(h, "↑")])
			arrows = append(arrows, col[len(col)-1])
		}
		if len(arrows) < 3 {
			t.Fatalf("o sorted by only %v before coming back to the given order", arrows)
		}
		t.Logf("o sorted by %v", arrows)
	})
}

// helpEntry matches a help entry: the key, then what it does.
func helpEntry(key, what string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(key) + `\s+` + regexp.QuoteMeta(what) + `(\s|$)`)
}

// helpHeading is the help's title line.
const helpHeading = "KEY BINDINGS  (?, esc or q to close; remap under keys: in the config)"

// quitHelpRE is the global quit key's entry, in whichever column.
var quitHelpRE = regexp.MustCompile(`q/ctrl\+c\s+quit`)

// ? lists the keys of the screen it is pressed on, under that screen's
// name, beside the global ones: Fleet's actions, the alerts' silence,
// the wizard's new incident, the logs' own keys.
func TestHelpListsTheActiveScreensKeys(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		for _, sc := range []struct {
			key, heading, group string
			entries             [][2]string
			absent              string
		}{
			{"3", "FLEET", "Fleet", [][2]string{{"r", "restart"}, {"R", "rollback"}, {"l", "logs"}, {"/", "filter"}}, "new incident"},
			{"5", "ACTIVE ALERTS", "Alerts", [][2]string{{"m", "silence alert"}, {"enter", "detail"}, {"r", "restart"}}, "new incident"},
			{"9", "DISASTER RECOVERY", "Incident", [][2]string{{"n", "new incident"}, {"w", "write the report"}}, "restart"},
		} {
			c.Keys(sc.key)
			waitHeading(t, c, sc.heading)
			c.Keys("?")
			waitHeading(t, c, helpHeading)
			c.Until("help for "+sc.group, tuitest.ConsoleWait, func(s string) bool {
				// The screen's own group comes first, in the first column.
				if !regexp.MustCompile(`(?m)^`+sc.group+`(\s|$)`).MatchString(s) || strings.Contains(s, sc.absent) {
					return false
				}
				for _, e := range sc.entries {
					if !helpEntry(e[0], e[1]).MatchString(s) {
						return false
					}
				}
				return quitHelpRE.MatchString(s)
			})
			c.Keys("esc")
			waitHeading(t, c, sc.heading)
		}
	})
}
