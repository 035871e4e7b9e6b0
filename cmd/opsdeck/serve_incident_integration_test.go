//go:build integration

package main

import (
	"strings"
	"testing"
)

// Two engineers logged in to one `opsdeck serve` work on the same
// incident: what one answers shows in the other's console at once, with
// its author; the viewer can read the incident and cannot change it.
func TestServeSessionsShareTheIncidentOverOpenSSH(t *testing.T) {
	b := newBed(t)
	s := b.serve("10m")
	b.login(s, "op", "alice", 100, 30)
	b.login(s, "vw", "bob", 100, 30)
	b.waitPane("op", "opsdeck  production   DEMO")
	b.waitPane("vw", "[read-only]")

	// The viewer cannot open one.
	b.press("vw", "9")
	b.waitPane("vw", "No open incident.")
	b.press("vw", "n")
	b.waitPane("vw", "read-only: viewers cannot change the incident")

	// The operator opens one and answers; the viewer sees each step.
	b.press("op", "9")
	b.waitPane("op", "No open incident.")
	b.press("op", "n")
	b.waitPane("op", "What failed?")
	b.waitPane("vw", "What failed?")
	b.waitPane("vw", "Incident opened: Incident under investigation · alice")
	b.press("op", "Enter")
	b.waitPane("op", "Health check failing?")
	b.waitPane("vw", "What failed?: Service crash · alice")
	b.waitPane("vw", "Health check failing?")

	// The viewer's answer and note are refused and change nothing.
	b.press("vw", "y")
	b.waitPane("vw", "read-only: viewers cannot change the incident")
	b.press("vw", "t")
	b.waitPane("vw", "note for the timeline")
	b.press("vw", "-l", "bob was here")
	b.press("vw", "Enter")
	b.waitPane("vw", "read-only: viewers cannot change the incident")
	b.press("op", "t")
	b.waitPane("op", "note for the timeline")
	b.press("op", "-l", "paged the DevOps lead")
	b.press("op", "Enter")
	b.waitPane("vw", "paged the DevOps lead · alice")
	for _, session := range []string{"op", "vw"} {
		if p := b.pane(session); strings.Contains(p, "bob was here") {
			t.Fatalf("the viewer's note reached the timeline (%s):\n%s", session, p)
		}
	}

	// Elsewhere in the console the open incident is in the header.
	b.press("vw", "1")
	b.waitPane("vw", "● INCIDENT Service crash")
}
