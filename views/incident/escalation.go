package incident

import (
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/views/kit"
)

// viewEscalation is the branch's escalation. At the node that says to
// call, it is in the down colour and marked ☎, with whom to call and how
// from the contacts (who is on call at the console's clock, whom
// instead); past it, one such line stays until an engineer says they
// called; then it is one line saying who did and when.
func (w *Wizard) viewEscalation() []string {
	t := w.c.Theme
	walk, inc := w.board.Walk, w.board.Incident
	esc := walk.Escalation()
	if esc == nil {
		return nil
	}
	if b := walk.Branch(); b != nil {
		if c := inc.CallOf(b.ID); c != nil {
			return []string{t.Subtle.Render("☎ escalated at " + c.At.UTC().Format("15:04") + " by " + kit.Sanitize(c.By) + ": " + kit.Sanitize(esc.String()))}
		}
	}
	if incident.EscalationPending(inc, walk) == nil {
		return []string{t.Subtle.Render("escalation: " + kit.Sanitize(esc.When) + " → " + kit.Sanitize(esc.String()))}
	}
	if !walk.EscalationDue() {
		// Past the node that said to call: one line, so the step in
		// front keeps its room, still in the down colour and marked.
		return []string{t.Down.Render("☎ ESCALATE NOW: "+kit.Sanitize(esc.String())+", not called yet") + t.Subtle.Render(" · p: I called them")}
	}
	out := []string{"", t.Down.Render("☎ ESCALATE NOW: " + kit.Sanitize(esc.String()))}
	for _, advice := range w.advice(esc) {
		for i, l := range kit.Wrap(kit.Sanitize(advice), w.width-4) {
			lead := "  • "
			if i > 0 {
				lead = "    "
			}
			out = append(out, t.Down.Render(lead+l))
		}
	}
	return append(out, t.Subtle.Render("  p: I called them (stamped on the timeline)"))
}

// advice is, for each contact the escalation calls, whom to call and how:
// the contacts' word for its role (on call now, or off hours and whom
// instead), else the tree's own name and phone.
func (w *Wizard) advice(esc *drtree.Escalation) []string {
	now := w.now()
	out := make([]string, 0, len(esc.Contacts))
	for _, c := range esc.Contacts {
		if r := w.c.Contacts.Reach(c.Name, now); r.Found {
			out = append(out, r.Advice())
			continue
		}
		line := "call " + c.Who
		if c.Phone != "" {
			line += ": " + c.Phone
		}
		out = append(out, line+" (no contact has the role "+c.Name+" in the config)")
	}
	return out
}
