package actionrun

import (
	"strings"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// maxChanges is how many of its changes an action that did not finish
// lists under its status; the output below has them all.
const maxChanges = 6

// aftermath is what an action that ended before it finished (cancelled,
// timed out, failed) leaves to check: a restore may have left the
// database half-restored; any other lists what it changed before it
// stopped (opsdeck's own progress lines: "stopping chat-backend-1",
// "created chat-backend-1 from …"), so a cancelled rollback says which
// containers it already replaced. Nothing for one that finished.
func (v *ActionRun) aftermath() []string {
	if !v.done || v.err == nil {
		return nil
	}
	t := v.c.Theme
	var out []string
	if v.plan.Action.Kind == backend.ActKindRestore {
		out = append(out, t.Warn.Render("⚠ "+kit.Sanitize(v.plan.Action.Target)+" may be half-restored: check it, or restore again, before its services write to it"))
	}
	var changes []string
	for _, l := range v.lines {
		// Progress lines say what is done; the indented ones ("  ok")
		// only confirm the line above.
		if l.Stream == "info" && l.Text != "" && !strings.HasPrefix(l.Text, " ") {
			changes = append(changes, kit.Sanitize(l.Text))
		}
	}
	if len(changes) == 0 {
		if v.plan.Action.Kind != backend.ActKindRestore {
			out = append(out, t.Subtle.Render("  it had changed nothing yet"))
		}
		return out
	}
	out = append(out, t.Bold.Render("  before it "+endedWord(v.result)+" it had begun:"))
	shown := changes
	if len(shown) > maxChanges {
		shown = shown[len(shown)-maxChanges:]
		out = append(out, t.Subtle.Render("    … and earlier steps (in the output below)"))
	}
	for _, c := range shown {
		for i, l := range kit.Wrap(c, max(v.width-6, 20)) {
			lead := "      "
			if i == 0 {
				lead = "    • "
			}
			out = append(out, lead+l)
		}
	}
	return out
}

// endedWord is the result word as a verb phrase: "was cancelled".
func endedWord(result string) string {
	switch result {
	case "cancelled":
		return "was cancelled"
	case "timed out":
		return "timed out"
	case "":
		return "ended"
	}
	return result
}
