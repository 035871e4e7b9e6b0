//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// reportPathRE is the report's proposed file name.
var reportPathRE = regexp.MustCompile(`› (incident-\d{8}-\d{4}-[0-9a-f]+\.md)`)

// writeReport writes the resolved incident's report as a person does: w,
// the four facts asked in turn, then the file (path, or the proposed
// name if path is empty): a bare name under the state directory's
// reports/, a path with a directory from the console's working directory.
// It returns the report's text.
func writeReport(t *testing.T, c *tuitest.Console, path string) string {
	t.Helper()
	c.Keys("w")
	for _, p := range []struct{ prompt, answer string }{
		{"impact (e.g. API requests failing, 100% error rate):", "chat API failing"},
		{"affected users (e.g. ~500 active users):", "~300 users"},
		{"root cause:", "memory leak"},
		{"action items, separated by ;:", "add a memory alert; load test"},
	} {
		c.WaitFor(p.prompt)
		c.Type(p.answer)
		c.WaitFor("› " + p.answer)
		c.Keys("enter")
	}
	c.WaitFor("write the report to:")
	proposed := c.WaitMatch(reportPathRE)[1]
	if path == "" {
		path = proposed
	} else {
		c.Keys("ctrl+u")
		c.Type(path)
		c.WaitFor("› " + path)
	}
	c.Keys("enter")
	// A bare name goes under the state directory's reports/, and the
	// notice says where, absolutely (wrapped if it must be, never cut).
	abs := path
	if filepath.Base(path) == path {
		abs = filepath.Join(c.StateHome(), "opsdeck", "reports", path)
	} else if !filepath.IsAbs(path) {
		abs = filepath.Join(c.Dir(), path)
	}
	c.Until("the notice naming "+abs, tuitest.ConsoleWait, func(s string) bool {
		return strings.Contains(strings.ReplaceAll(s, "\n", ""), "report written to "+abs)
	})
	data, err := os.ReadFile(abs)
	if err != nil {
		t.Fatalf("the report %s is not where the notice says: %v", abs, err)
	}
	text := string(data)
	for _, want := range []string{"**Impact:** chat API failing", "**Affected Users:** ~300 users",
		"**Root Cause:** memory leak", "1. add a memory alert", "2. load test", "**Timeline:**"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	return text
}

// reportHas fails the test unless the report's timeline has each event.
func reportHas(t *testing.T, report string, events ...string) {
	t.Helper()
	_, timeline, _ := strings.Cut(report, "**Timeline:**")
	for _, e := range events {
		if !strings.Contains(timeline, e) {
			t.Errorf("the report's timeline lacks %q:\n%s", e, report)
		}
	}
}

// Service crash: the service typed with tab completion, its health check
// answered (failing, by hand), the restart confirmed and run, the wait
// skipped, the live answer taken (passing): resolved. A post-incident
// item ticked, the report written under its proposed name.
func TestWizardServiceCrash(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 0, "Service crash")
		waitStep(t, c, "Health check failing?", "check")
		setVar(t, c, "service", "chat-b", "chat-backend")
		c.WaitFor("Is the health check of chat-backend failing?")
		c.Keys("y")
		c.WaitFor("Health check failing?: yes · root")
		waitStep(t, c, "Restart container", "action")
		runStep(t, c, "restart", "chat-backend", true)
		waitStep(t, c, "Wait 30s", "wait")
		c.WaitFor("enter skip")
		c.Keys("enter")
		c.WaitFor("Wait 30s: skipped after")
		waitStep(t, c, "Health check passing?", "check")
		takeLive(t, c, "Health check passing?", "yes")
		waitResolved(t, c, "Resolved after")
		c.WaitFor("RTO 2 min met")
		c.Keys("space")
		c.WaitFor("[x] 1. Document timeline in incident log")

		report := writeReport(t, c, "")
		if !strings.HasPrefix(report, "Subject: [INCIDENT] Service crash - chat-backend") ||
			!strings.Contains(report, "- [x] Document timeline in incident log") {
			t.Errorf("the report's subject or post-incident actions:\n%s", report)
		}
		reportHas(t, report, "What failed?: Service crash (root)", "service: chat-backend (root)",
			"Health check failing?: yes (root)", "restart chat-backend: ok (root)", "Wait 30s: skipped after",
			"Health check passing?: yes (live: 2/2 containers running and healthy) (root)", "Resolved after")
	})
}

// Database corruption: the database and later the service typed with tab
// completion, the live answers taken (the database answers; it is up
// after the restore; the services are healthy), the restore chosen, the
// services stopped, the checklists ticked, the dump restored, the
// services started: resolved, the report written to the path typed.
func TestWizardDatabaseCorruption(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 1, "Database corruption")
		waitStep(t, c, "Verify scope of corruption", "check")
		c.WaitFor("☎ ESCALATE NOW: Database admin + CTO")
		setVar(t, c, "database", "c", "chat")
		takeLive(t, c, "Verify scope of corruption", "no")
		waitStep(t, c, "Database is up", "choice")
		c.WaitFor(" › Restore from backup (stops the services)")
		c.Keys("enter")
		waitStep(t, c, "Stop affected services", "action")
		setVar(t, c, "service", "chat-b", "chat-backend")
		runStep(t, c, "stop", "chat-backend", true)
		waitStep(t, c, "Download backup", "manual")
		tickAll(t, c, "Download backup", 2)
		waitStep(t, c, "Restore from latest backup", "action")
		runStep(t, c, "restore", "chat", true)
		waitStep(t, c, "DB up?", "check")
		takeLive(t, c, "DB up?", "yes")
		waitStep(t, c, "Restart services", "action")
		runStep(t, c, "start", "chat-backend", false)
		waitStep(t, c, "Services UP?", "check")
		takeLive(t, c, "Services UP?", "yes")
		waitStep(t, c, "Verify data integrity", "manual")
		tickAll(t, c, "Verify data integrity", 3)
		waitResolved(t, c, "Resolved after")
		c.WaitFor("RTO 20 min met")

		report := writeReport(t, c, "db-report.md")
		reportHas(t, report, "database: chat (root)", "Verify scope of corruption: no (live: chat answers) (root)",
			"stop chat-backend: ok (root)", "Download backup: done (root)", "restore chat: ok (root)",
			"start chat-backend: ok (root)", "Verify data integrity: done (root)", "Resolved after")
	})
}

// Full server failure: the server said down by hand (the live answer
// offered says it answers), the standby's checklist ticked, the live
// answer that its services are healthy taken: resolved, the report
// written.
func TestWizardFullServerFailure(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 2, "Full server failure")
		waitStep(t, c, "Verify total server down", "check")
		c.WaitFor("a take the live answer: no (")
		c.Keys("y")
		c.WaitFor("Verify total server down: yes · root")
		waitStep(t, c, "Activate standby server", "manual")
		tickAll(t, c, "Activate standby server", 3)
		waitStep(t, c, "Verify services healthy", "check")
		takeLive(t, c, "Verify services healthy", "yes")
		waitResolved(t, c, "Resolved after")
		c.WaitFor("RTO 2 hours met")

		report := writeReport(t, c, "server-report.md")
		reportHas(t, report, "What failed?: Full server failure (root)", "Verify total server down: yes (root)",
			"Activate standby server: done (root)", "Verify services healthy: yes (live: ", "Resolved after")
	})
}

// Security breach: escalated at once, the calls ticked: handed over, the
// report written.
func TestWizardSecurityBreach(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 3, "Security breach")
		waitStep(t, c, "Call Security team + Legal", "manual")
		c.WaitFor("☎ ESCALATE NOW: Security team + Legal")
		tickAll(t, c, "Call Security team + Legal", 2)
		waitStep(t, c, "Contain the breach, as the Security team directs", "manual")
		tickAll(t, c, "Contain the breach, as the Security team directs", 4)
		waitResolved(t, c, "Handed over to Security team after")

		report := writeReport(t, c, "breach-report.md")
		reportHas(t, report, "What failed?: Security breach (root)", "Call Security team + Legal: done (root)",
			"Handed over to Security team after")
		for _, want := range []string{"- **Status:** HANDED OVER", "- **Handed over:** to Security team"} {
			if !strings.Contains(report, want) {
				t.Errorf("the report lacks %q:\n%s", want, report)
			}
		}
	})
}

// The security breach's walk ends in the tree's "HANDED OVER" (the
// Security team leads from here), not in a resolution of the incident's
// own: the wizard says so.
func TestWizardSecurityBreachSaysHandedOver(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 3, "Security breach")
		tickAll(t, c, "Call Security team + Legal", 2)
		tickAll(t, c, "Contain the breach, as the Security team directs", 4)
		c.WaitFor("POST-INCIDENT ACTIONS")
		if s := c.Screen(); !strings.Contains(s, "HANDED OVER") || !strings.Contains(s, "The Security team leads from here.") {
			t.Errorf("the walk ended in the tree's node HANDED OVER (sb_handed_over: The Security team leads from here.), but the wizard does not say so:\n%s", s)
		}
	})
}
