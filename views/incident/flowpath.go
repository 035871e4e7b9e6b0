package incident

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/views/kit"
)

// flowPath says where the walk is in the flowchart, as the seed's
// Disaster Recovery Flowchart would be read: the nodes passed with what
// was answered, the node now, and where it can lead:
//
//	path  What failed? Service crash › Health check failing? yes › ▶ Wait 30s
//	next  Service healthy? · or: Escalate
//
// Below 30 rows path and next share one line ("… › ▶ Wait 30s → Service
// healthy? | Escalate"). The path keeps its end when it is longer than the lines it has (the
// first steps give way to "…"), so the node now is always on screen.
func (w *Wizard) flowPath(width int, tall bool) []string {
	walk := w.board.Walk
	if walk == nil || width < 20 {
		return nil
	}
	t := w.c.Theme
	var parts []string
	for _, s := range walk.Path() {
		title := s.Node
		if n := walk.Tree().Node(s.Node); n != nil {
			title = walk.Render(n.Title)
		}
		parts = append(parts, kit.Sanitize(title)+" "+kit.Sanitize(walk.Render(s.Answer)))
	}
	parts = append(parts, "▶ "+kit.Sanitize(walk.Title()))
	var next []string
	seen := map[string]bool{}
	for _, id := range walk.Current().Successors() {
		n := walk.Tree().Node(id)
		if n == nil || seen[id] {
			continue
		}
		seen[id] = true
		next = append(next, kit.Sanitize(walk.Render(n.Title)))
	}
	if walk.Finished() {
		next = nil
	}
	path := strings.Join(parts, " › ")
	if !tall {
		// One line: where it is (its end kept), then where it leads (cut
		// at the right: the choices of "What failed?" are many).
		room := width - len("path  ")
		lead := ""
		if len(next) > 0 {
			lead = " → " + strings.Join(next, " | ")
		}
		path = keepEnd(path, max(room-min(ansi.StringWidth(lead), room/3), room/2))
		lead = ansi.Truncate(lead, max(room-ansi.StringWidth(path), 0), "…")
		return []string{t.Subtle.Render("path  ") + path + lead}
	}
	out := []string{t.Subtle.Render("path  ") + keepEnd(path, width-len("path  "))}
	if len(next) > 0 {
		out = append(out, kit.FitLine(t.Subtle.Render("next  ")+strings.Join(next, t.Subtle.Render(" · or: ")), width))
	}
	return out
}

// keepEnd cuts s from the left to room cells, marking the cut.
func keepEnd(s string, room int) string {
	if over := ansi.StringWidth(s) - room; over > 0 && room > 1 {
		return ansi.TruncateLeft(s, over+1, "…")
	}
	return s
}
