//go:build unix

package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// A console quit in the middle of an incident leaves it open in the state
// directory; the next console there says so in the header of its first
// screen, and on tab 9 the walk goes on where it was, to its end.
func TestIncidentResumesInANewConsole(t *testing.T) {
	eachVariant(t, func(t *testing.T, v terminal) {
		state := filepath.Join(t.TempDir(), "state")
		first := v.start(t, tuitest.Options{StateHome: state})
		openIncident(t, first, 0, "Service crash")
		setVar(t, first, "service", "chat-b", "chat-backend")
		first.Keys("y")
		waitStep(t, first, "Restart container", "action")
		if err := first.Quit(); err != nil {
			t.Fatalf("q in the middle of an incident: %v", err)
		}

		c := v.start(t, tuitest.Options{StateHome: state})
		c.Until("the open incident in the overview's header", tuitest.ConsoleWait, func(s string) bool {
			header := row(s, 0)
			if !strings.Contains(header, "● INCIDENT ") || !strings.Contains(header, "/ RTO 2m") {
				return false
			}
			// At 80 columns the header has room for the clock only.
			return v.w < 160 || strings.Contains(header, "● INCIDENT Service crash - chat-backend ")
		})
		waitHeading(t, c, "SYSTEM HEALTH OVERVIEW")
		c.Keys("9")
		waitStep(t, c, "Restart container", "action")
		c.WaitFor("branch Service crash · service chat-backend")
		c.WaitFor("Health check failing?: yes · root")
		runStep(t, c, "restart", "chat-backend", true)
		waitStep(t, c, "Wait 30s", "wait")
		c.Keys("enter")
		waitStep(t, c, "Health check passing?", "check")
		takeLive(t, c, "Health check passing?", "yes")
		waitResolved(t, c, "Resolved after")
	})
}
