//go:build unix

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// fleetColumns are the Fleet's columns a terminal of at least minWidth
// has room for: the table drops the least needed first.
var fleetColumns = []struct {
	title    string
	minWidth int
}{{"SERVICE", 0}, {"STATUS", 0}, {"VERSION", 80}, {"RESTARTS", 160}}

// The layout follows the terminal down from 160x48 to 80x24 and 60x16
// and back up, on the overview, the Fleet (whose columns come and go
// with the width), the Incident tab and a detail (logs): the header
// spans the width, the status bar is on the last row. Below 60x16 the
// whole screen says the terminal is too small, and by how much; the
// screen comes back when it is not.
func TestLayoutFollowsResize(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		screens := []struct{ keys, heading string }{
			{"1", "SYSTEM HEALTH OVERVIEW"}, {"3", "FLEET"}, {"9", "DISASTER RECOVERY"}, {"l", "LOGS mana-core-auth"},
		}
		for _, size := range [][2]int{{160, 48}, {80, 24}, {60, 16}, {80, 24}, {160, 48}} {
			w, h := size[0], size[1]
			c.Resize(w, h)
			for i, sc := range screens {
				if sc.keys == "l" {
					c.Keys("3") // logs of the Fleet's first row
				}
				c.Keys(sc.keys)
				c.Until(fmt.Sprintf("%s laid out at %dx%d", sc.heading, w, h), tuitest.ConsoleWait, func(s string) bool {
					return hasHeading(s, sc.heading) && frameFits(s, w, h) == ""
				})
				if sc.heading == "FLEET" {
					s := c.Screen()
					for _, col := range fleetColumns {
						if shown := strings.Contains(row(s, 3), col.title); shown != (w >= col.minWidth) {
							t.Errorf("at %dx%d the Fleet shows %s: %v; columns:\n%s", w, h, col.title, shown, row(s, 3))
						}
					}
				}
				if i == len(screens)-1 {
					c.Keys("esc")
				}
			}
		}
		for _, small := range [][2]int{{59, 16}, {60, 15}, {40, 10}} {
			c.Resize(small[0], small[1])
			c.Until(fmt.Sprintf("the too-small notice at %dx%d", small[0], small[1]), tuitest.ConsoleWait, func(s string) bool {
				return strings.Contains(s, "terminal too small") && strings.Contains(s, fmt.Sprintf("%dx%d (need 60x16)", small[0], small[1])) &&
					!strings.Contains(s, "UTC")
			})
		}
		c.Resize(80, 24)
		c.Until("the Fleet (under the logs closed last) back at 80x24", tuitest.ConsoleWait, func(s string) bool {
			return hasHeading(s, "FLEET") && frameFits(s, 80, 24) == ""
		})
	})
}
