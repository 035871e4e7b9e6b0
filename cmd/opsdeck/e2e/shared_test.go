//go:build unix

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// shareBound is how soon what one console does at the incident shows in
// another process's console on the same state directory: each desk looks
// at the directory every 500 ms.
const shareBound = 2 * time.Second

// seenWithin waits up to shareBound for other to show text that c shows
// already, and logs how long it took.
func seenWithin(t *testing.T, c, other *tuitest.Console, text string) {
	t.Helper()
	c.WaitFor(text)
	at := time.Now()
	other.WaitForWithin(text, shareBound)
	t.Logf("%q in the other console %v later", text, time.Since(at).Round(time.Millisecond))
}

// incidentFiles is the text of every incident saved under the console's
// state directory.
func incidentFiles(t *testing.T, c *tuitest.Console) string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(c.StateHome(), "opsdeck", "incidents", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no incident saved under %s (%v)", c.StateHome(), err)
	}
	var all strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// Two consoles, two processes, one state directory: the incident opened
// in one, its answers in either, show in the other within shareBound;
// then both type notes as fast as they can, keys interleaved, and every
// note of both ends on the timeline of each and in the saved incident,
// once.
func TestTwoConsolesShareTheIncident(t *testing.T) {
	eachVariant(t, func(t *testing.T, v terminal) {
		state := filepath.Join(t.TempDir(), "state")
		a := v.start(t, tuitest.Options{StateHome: state})
		b := v.start(t, tuitest.Options{StateHome: state})
		for _, c := range []*tuitest.Console{a, b} {
			c.Keys("9")
			waitHeading(t, c, "DISASTER RECOVERY")
		}

		a.Keys("n")
		seenWithin(t, a, b, "INCIDENT Incident under investigation")
		a.Keys("enter") // Service crash
		seenWithin(t, a, b, "branch Service crash")
		setVar(t, b, "service", "chat-b", "chat-backend")
		seenWithin(t, b, a, "branch Service crash · service chat-backend")

		// As many notes as the timeline shows at once with the step above
		// it: at 80x24 it has room for 11 events, three of them already
		// there.
		n := 3
		if v.h >= 48 {
			n = 8
		}
		var notes []string
		for i := range n {
			na, nb := fmt.Sprintf("note a%d", i), fmt.Sprintf("note b%d", i)
			notes = append(notes, na, nb)
			a.Keys("t")
			b.Keys("t")
			for j := range len(na) {
				a.Type(na[j : j+1])
				b.Type(nb[j : j+1])
			}
			a.Keys("enter")
			b.Keys("enter")
		}
		for _, c := range []*tuitest.Console{a, b} {
			c.Until(fmt.Sprintf("all %d notes on the timeline", len(notes)), tuitest.ConsoleWait, func(s string) bool {
				for _, note := range notes {
					if !strings.Contains(s, note+" · root") {
						return false
					}
				}
				return true
			})
		}
		saved := incidentFiles(t, a)
		for _, note := range notes {
			if k := strings.Count(saved, `"`+note+`"`); k != 1 {
				t.Errorf("the saved incident has the note %q %d times, want once:\n%s", note, k, saved)
			}
		}
	})
}
