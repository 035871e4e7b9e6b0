//go:build unix

package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

var silencesLoadedRE = regexp.MustCompile(`SILENCES\s+as of \d\d:\d\d:\d\d`)

// silencesBound is how soon the list must show: the demo's Alertmanager
// answers at once. Before the fix the first answer went astray and the
// list waited for its 10 s refresh.
const silencesBound = 2 * time.Second

// :silences shows its list, "as of" the time it was read, at once.
func TestSilencesListShows(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys(":")
		c.Type("silences")
		c.WaitFor(":silences")
		c.Keys("enter")
		asked := time.Now()
		c.WaitMatchWithin(silencesLoadedRE, silencesBound)
		t.Logf("listed %v after enter", time.Since(asked).Round(time.Millisecond))
	})
}
