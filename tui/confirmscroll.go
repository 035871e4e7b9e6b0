package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// A confirmation is safety-critical text: its plan, options and prompt
// are wrapped, never cut, and when they do not fit the terminal they
// scroll, the confirm key being taken only once every line has been on
// screen (an 80x24 terminal cut "pg_restore … /var/backups/postgres/…"
// and the dump restored could not be read).

// confirmInner is the dialog's content width in a body w cells wide.
func confirmInner(w int) int { return min(max(w-8, 20), 100) }

// confirmRoom is how many content lines fit in a body h lines high: the
// frame takes two and the status line one.
func confirmRoom(h int) int { return max(h-3, 3) }

// wrapped is the dialog's content at inner width, every line wrapped.
func (d *confirmDialog) wrapped(t *theme.Theme, inner int) []string {
	var out []string
	for _, l := range d.lines(t, inner) {
		if ansi.StringWidth(l) <= inner {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(l, inner, ""), "\n")...)
	}
	return out
}

// hanging wraps plain text to w cells under a first-line prefix, the rest
// indented to line up with the text.
func hanging(prefix, text string, w int) []string {
	indent := strings.Repeat(" ", ansi.StringWidth(prefix))
	lines := kit.Wrap(text, max(w-ansi.StringWidth(prefix), 8))
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = indent + lines[i]
		}
	}
	return lines
}

// window is the part of total lines shown in room: from start, shown
// lines, one line below them kept for the scroll hint when all do not fit.
func (d *confirmDialog) window(total, room int) (start, shown int) {
	if total <= room {
		return 0, total
	}
	shown = room - 1
	return min(max(d.scroll, 0), total-shown), shown
}

// fit lays the dialog out in a body of w×h, keeping the scroll in range
// and noting when the last line has been on screen.
func (d *confirmDialog) fit(t *theme.Theme, w, h int) {
	d.w, d.h, d.theme = w, h, t
	total := len(d.wrapped(t, confirmInner(w)))
	start, shown := d.window(total, confirmRoom(h))
	d.scroll = start
	if d.stage == stageConfirm && start+shown >= total {
		d.seenAll = true
	}
}

// scrollBy moves the view by n lines (negative: up).
func (d *confirmDialog) scrollBy(t *theme.Theme, n int) {
	d.scroll += n
	d.hint = ""
	if t != nil {
		d.fit(t, d.w, d.h)
	}
}

// visible is the dialog's lines as drawn: all of them, or the window with
// a line saying where it is and how to read on.
func (d *confirmDialog) visible(t *theme.Theme, w, h int) []string {
	lines := d.wrapped(t, confirmInner(w))
	start, shown := d.window(len(lines), confirmRoom(h))
	if shown == len(lines) {
		return lines
	}
	out := append([]string(nil), lines[start:start+shown]...)
	hint := fmt.Sprintf("lines %d–%d of %d · pgup/pgdn", start+1, start+shown, len(lines))
	if rest := len(lines) - start - shown; rest > 0 {
		hint = fmt.Sprintf("↓ %d more lines · pgdn reads on", rest)
	}
	if d.hint != "" { // why the confirm key was not taken, where it is seen
		return append(out, t.Down.Render("▲ "+d.hint))
	}
	return append(out, t.Warn.Render(hint))
}
