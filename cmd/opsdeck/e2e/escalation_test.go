//go:build unix

package e2e

import (
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// A security breach: the escalation names whom to call and how from the
// demo's contacts (the Security Team by email; Legal is in no contact,
// and the wizard says so rather than inventing a number), stays in front
// through the containment steps until p says the calls were made, which
// the timeline records with the advice shown. Every containment step is
// on screen whole, wrapped at 80 columns, never cut.
func TestWizardEscalationNamesWhomToCall(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 3, "Security breach")
		waitStep(t, c, "Call Security team + Legal", "manual")
		c.WaitFor("☎ ESCALATE NOW: Security team + Legal")
		c.WaitFor("• call Security Team: security@manacore.app")
		c.WaitFor("• call Legal (no contact has the role legal in the config)")
		tickAll(t, c, "Call Security team + Legal", 2)

		waitStep(t, c, "Contain the breach, as the Security team directs", "manual")
		c.WaitFor("☎ ESCALATE NOW: Security team + Legal, not called yet") // nobody said so
		s := oneLine(c.Screen())
		for _, step := range []string{
			"Isolate the affected hosts: cut their network (firewall, docker network disconnect), keep them running",
			"Preserve evidence: snapshot the disks, copy the logs and docker inspect output off the hosts",
			"Rotate the credentials the hosts held: deploy keys, database passwords, API tokens, JWT secrets",
			"Update the status page: investigating, no details of the breach",
		} {
			if !strings.Contains(s, step) {
				t.Errorf("the containment step %q is not on screen whole:\n%s", step, c.Screen())
			}
		}

		c.Keys("p")
		c.WaitFor("☎ escalated at ")
		c.WaitFor("☎ Escalated (security breach): Security team + Legal")
		if strings.Contains(c.Screen(), "ESCALATE NOW") {
			t.Errorf("the escalation is still in front after p:\n%s", c.Screen())
		}
		c.Keys("p")
		c.WaitFor("root escalated at ")
		c.WaitFor("already")
	})
}

// The database corruption's escalation at once: the Database Admin is on
// call 24/7 with the demo's number.
func TestWizardEscalationSaysWhoIsOnCall(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		openIncident(t, c, 1, "Database corruption")
		c.WaitFor("☎ ESCALATE NOW: Database admin + CTO")
		c.WaitFor("• call Database Admin, on call 24/7: +XX XXX XXX XXXX")
	})
}

// oneLine joins a screen's lines and squeezes the spaces between the
// words, so text wrapped over lines reads as the one sentence it is.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
