package incident

import (
	"fmt"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/views/kit"
)

func (w *Wizard) View() string {
	if w.width <= 0 || w.height <= 0 {
		return ""
	}
	var lines []string
	inc := w.board.Incident
	switch {
	case inc == nil:
		lines = w.viewNone()
	case w.open():
		lines = append(w.viewHeader(), w.viewStep()...)
	default:
		lines = append(w.viewHeader(), w.viewResolved()...)
	}
	if w.prompt != "" {
		lines = append(lines, "", w.c.Theme.Bold.Render(w.promptLabel()+":"), w.input.View())
	}
	if w.msg != "" {
		lines = append(lines, w.c.Theme.Warn.Render("▲ "+kit.Sanitize(w.msg)))
	}
	if w.board.Warning != "" {
		lines = append(lines, w.c.Theme.Down.Render("✖ "+kit.Sanitize(w.board.Warning)))
	}
	if inc != nil {
		lines = append(lines, w.viewTimeline(w.height-len(lines))...)
	}
	for i, l := range lines {
		lines[i] = kit.FitLine(l, w.width)
	}
	if len(lines) > w.height {
		lines = lines[:w.height]
	}
	return strings.Join(lines, "\n")
}

func (w *Wizard) viewNone() []string {
	t := w.c.Theme
	out := []string{t.Title.Render("DISASTER RECOVERY"), ""}
	if w.starting {
		return append(out, t.Subtle.Render("opening an incident…"))
	}
	return append(out,
		"No open incident.",
		"",
		"Press "+t.Bold.Render("n")+" to open one: the wizard walks the recovery flowchart (service crash,",
		"database corruption, full server failure), runs its actions from here, keeps the",
		"timeline and writes the incident report at the end.",
	)
}

// viewHeader is the incident, its clock against the RTO, and the RPO.
func (w *Wizard) viewHeader() []string {
	t := w.c.Theme
	inc := w.board.Incident
	now := w.now()
	status := t.Warn.Render("● INVESTIGATING")
	switch inc.Status {
	case incident.StatusResolved:
		status = t.OK.Render("✔ RESOLVED")
	case incident.StatusHandedOver:
		status = t.Warn.Render("⇢ HANDED OVER")
	}
	head := kit.Spread(t.Title.Render("INCIDENT ")+t.Bold.Render(kit.Sanitize(inc.Title)), status, w.width)
	clock := "started " + inc.Started.UTC().Format("15:04 UTC") + " · "
	switch rto, met := inc.RTOClock(now); {
	case inc.RTO <= 0:
		clock += rto
	case met:
		clock += t.OK.Render(rto + " ✔")
	default:
		clock += t.Down.Render(rto + " ✖ RTO exceeded")
	}
	out := []string{head, clock + w.rpoText()}
	if b := w.branch(); b != nil {
		out = append(out, t.Subtle.Render("branch ")+t.Bold.Render(b.Name)+w.varsText())
	}
	if w.open() {
		out = append(out, w.flowPath(w.width, w.height >= 30)...)
	}
	return append(out, "")
}

func (w *Wizard) now() time.Time { return w.c.Now().UTC() }

func (w *Wizard) branch() *drtree.Branch {
	if w.board.Walk == nil {
		return nil
	}
	return w.board.Walk.Branch()
}

func (w *Wizard) varsText() string {
	if w.board.Walk == nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"service", "database"} {
		if v := w.board.Walk.Vars()[k]; v != "" {
			parts = append(parts, k+" "+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return w.c.Theme.Subtle.Render(" · " + strings.Join(parts, " · "))
}

// rpoText is the data at stake: the age of the newest backup of the
// incident's database against the branch's RPO target.
func (w *Wizard) rpoText() string {
	t := w.c.Theme
	if w.board.Walk == nil {
		return ""
	}
	db := w.board.Walk.Vars()["database"]
	if db == "" {
		return ""
	}
	var target time.Duration
	if b := w.branch(); b != nil {
		target = b.RPO
	}
	b := w.board.Backup
	switch {
	case b == nil || b.Database != db || (b.Newest.IsZero() && b.Err == nil):
		return t.Subtle.Render(" · RPO: checking backups of " + db + "…")
	case b.Err != nil:
		return t.Warn.Render(" · RPO unknown: " + kit.Sanitize(b.Err.Error()))
	}
	v := incident.RPOVerdict(w.now().Sub(b.Newest), target)
	if v.Met {
		return t.OK.Render(" · " + v.Text)
	}
	return t.Down.Render(" · " + v.Text)
}

// viewStep is the current node: its question or step and how to answer.
func (w *Wizard) viewStep() []string {
	t := w.c.Theme
	walk := w.board.Walk
	n := walk.Current()
	out := []string{t.Title.Render("▶ "+kit.Sanitize(walk.Title())) + t.Subtle.Render("  ["+string(n.Kind)+"]")}
	if text := walk.Text(); text != "" {
		out = append(out, indent("  ", kit.Wrap(kit.Sanitize(text), w.width-2))...)
	}
	if need := walk.NeedVars(); len(need) > 0 {
		out = append(out, t.Warn.Render("  needs "+strings.Join(need, ", ")+": press enter to type it"))
	}
	switch n.Kind {
	case drtree.KindChoice:
		for i, o := range n.Options {
			out = append(out, w.row(i, kit.Sanitize(walk.Render(o.Label))))
		}
		out = append(out, t.Subtle.Render("  j/k choose · enter take"))
	case drtree.KindCheck:
		line := "  y yes · n no"
		if n.Live != "" {
			yes, why, known := incident.LiveProbe(w.snap)(n.Live, walk.Vars())
			if known {
				ans := "no"
				if yes {
					ans = "yes"
				}
				line += " · a take the live answer: " + t.Bold.Render(ans) + t.Subtle.Render(" ("+kit.Sanitize(why)+")")
			} else if why != "" {
				line += t.Subtle.Render(" · no live answer (" + kit.Sanitize(why) + ")")
			}
		}
		out = append(out, line)
	case drtree.KindAction:
		a, err := walk.Action()
		switch {
		case w.board.Awaiting != "":
			out = append(out, t.Warn.Render("  running… (its output is on the action screen)"))
		case err == nil:
			desc := string(a.Kind) + " " + a.Target
			out = append(out, "  enter "+t.Bold.Render(desc)+" (confirmed first) · d done by hand · x mark failed")
		default:
			out = append(out, t.Subtle.Render("  d done by hand · x mark failed"))
		}
	case drtree.KindManual:
		for i, it := range n.Items {
			box := "[ ]"
			if walk.Ticked(i) {
				box = t.OK.Render("[x]")
			}
			// A step is read whole: wrapped under its box, never cut.
			lines := kit.Wrap(kit.Sanitize(walk.Render(it)), w.width-8)
			out = append(out, w.row(i, box+" "+lines[0]))
			out = append(out, indent("       ", lines[1:])...)
		}
		out = append(out, t.Subtle.Render("  space tick · enter done when all are ticked"))
	case drtree.KindWait:
		left := walk.WaitLeft(w.now())
		out = append(out, fmt.Sprintf("  waiting %s more · enter skip", left.Round(time.Second)))
	}
	out = append(out, w.viewEscalation()...)
	return append(out, "")
}

// indent prefixes each line.
func indent(prefix string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

func (w *Wizard) row(i int, text string) string {
	if i == w.cursor {
		return w.c.Theme.Selected.Render(" › " + text + " ")
	}
	return "   " + text
}

// viewResolved is the outcome and the post-incident checklist.
func (w *Wizard) viewResolved() []string {
	t := w.c.Theme
	inc := w.board.Incident
	took := inc.Resolved.Sub(inc.Started)
	line := "resolved in " + incident.Human(took)
	if inc.Status == incident.StatusHandedOver {
		line = fmt.Sprintf("handed over to %s at %s, after %s", kit.Sanitize(inc.HandedTo),
			inc.Resolved.UTC().Format("15:04 UTC"), incident.Human(took))
	}
	if inc.RTO > 0 {
		if took <= inc.RTO {
			line += t.OK.Render(" (RTO " + incident.Human(inc.RTO) + " met)")
		} else {
			line += t.Down.Render(" (RTO " + incident.Human(inc.RTO) + " missed)")
		}
	}
	out := []string{line}
	if inc.Status == incident.StatusHandedOver && w.board.Walk != nil && w.board.Walk.Text() != "" {
		out = append(out, kit.Sanitize(w.board.Walk.Text())) // the tree's own words: who leads now
	}
	out = append(out, "", t.Bold.Render("POST-INCIDENT ACTIONS")+t.Subtle.Render("  space tick · w write the report"))
	for i, it := range inc.PostIncident {
		box := "[ ]"
		if it.Done {
			box = t.OK.Render("[x]")
		}
		out = append(out, w.row(i, fmt.Sprintf("%s %d. %s", box, i+1, it.Text)))
	}
	return append(out, "")
}

// viewTimeline is the newest events that fit in h lines.
func (w *Wizard) viewTimeline(h int) []string {
	t := w.c.Theme
	if h < 2 {
		return nil
	}
	out := []string{t.Bold.Render("TIMELINE")}
	evs := w.board.Incident.Timeline
	if n := h - 1; len(evs) > n {
		evs = evs[len(evs)-n:]
	}
	for _, e := range evs {
		who := ""
		if e.Actor != "" {
			who = t.Subtle.Render(" · " + kit.Sanitize(e.Actor))
		}
		text := kit.Sanitize(e.Text)
		// An engineer's note and an escalation made stand out from what
		// the walk and the runner recorded, by a mark as well as colour.
		switch e.Kind {
		case incident.EventNote:
			text = t.Bold.Render("✎ " + text)
		case incident.EventEscalation:
			text = t.Warn.Render("☎ " + text)
		}
		out = append(out, t.Subtle.Render(e.At.UTC().Format("15:04:05")+" ")+text+who)
	}
	return out
}
