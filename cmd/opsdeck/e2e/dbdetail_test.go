//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// On the demo the detail shows its simulated statements and sessions and
// says they are simulated: picture's pool (9/10) held by a session idle
// in a transaction; esc goes back.
func TestDemoDatabaseDetail(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("6")
		c.WaitFor("DATABASE PERFORMANCE")
		c.Keys("j", "enter")
		c.WaitFor("DATABASE PICTURE")
		c.WaitFor("simulated (demo)")
		c.WaitFor("⚠ idle in tx")
		if s := c.Screen(); !strings.Contains(s, "SLOW QUERIES") || !strings.Contains(s, "picture-backend") {
			t.Errorf("the demo detail lacks its statements or sessions:\n%s", s)
		}
		c.Keys("?")
		c.WaitFor("read again")
		c.Keys("esc", "esc")
		c.WaitFor("DATABASE PERFORMANCE")
	})
}
