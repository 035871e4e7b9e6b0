//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// dumpStepRE is the restore's step as dialogText reads it, the dump path
// whole (a path breaks where it has no space, so its parts stand apart).
var dumpStepRE = regexp.MustCompile(`pg_restore --clean --if-exists -d chat /var/backups/postgres/chat/chat-\d{8}- ?0300\.dump \(simulated\)`)

// dialogBox is the lines inside the dialog's frame, and their words as
// one text.
func dialogText(screen string) (lines []string, text string) {
	for _, l := range strings.Split(screen, "\n") {
		if i, j := strings.Index(l, "│"), strings.LastIndex(l, "│"); i >= 0 && j > i {
			lines = append(lines, l[i+len("│"):j])
		}
	}
	return lines, strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// At 60x16 the restore's confirmation does not fit: nothing in it is cut
// (the dump path is there whole, wrapped), it scrolls, and the typed name
// is taken only once every line has been on screen.
func TestConfirmationWrapsAndScrolls(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 60, Height: 16})
	c.Keys("6")
	waitHeading(t, c, "DATABASE PERFORMANCE")
	c.Keys("b") // chat
	c.WaitFor("RESTORE chat")
	c.WaitMatch(regexp.MustCompile(`↓ \d+ more lines · pgdn reads on`))
	lines, text := dialogText(c.Screen())
	if !dumpStepRE.MatchString(text) {
		t.Errorf("the restore's step is not on screen whole:\n%s", c.Screen())
	}
	for _, l := range lines {
		if strings.Contains(l, "…") {
			t.Errorf("the confirmation cuts a line: %q\n%s", l, c.Screen())
		}
	}
	c.Pause(readPlan)
	c.Type("chat")
	c.Keys("enter")
	c.WaitFor("read the whole plan first")
	atEnd := regexp.MustCompile(`lines \d+–\d+ of \d+ · pgup/pgdn`)
	for range 6 {
		if atEnd.MatchString(c.Screen()) {
			break
		}
		c.Keys("pgdown")
		c.Pause(readPlan)
	}
	c.WaitMatch(atEnd)
	c.WaitFor("Type chat and press enter to confirm:")
	c.Keys("enter")
	waitDone(t, c, "RESTORE chat")
}

// A wrong name typed in a confirmation says it does not match, and
// nothing is done.
func TestWrongNameInAConfirmationSaysSo(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 80, Height: 24})
	c.Keys("3")
	waitHeading(t, c, "FLEET")
	c.Keys("down") // chat-backend
	c.Keys("r")
	c.WaitFor("Type chat-backend and press enter to confirm:")
	c.Pause(readPlan)
	c.Keys("enter")
	c.WaitFor("type chat-backend to confirm, esc to cancel")
	c.Type("chat-backedn")
	c.Keys("enter")
	c.WaitFor(`"chat-backedn" does not match chat-backend`)
	c.Keys("esc")
	waitHeading(t, c, "FLEET")
	noAudit(t, c)
}
