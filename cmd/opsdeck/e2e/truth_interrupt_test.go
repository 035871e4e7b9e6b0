//go:build unix

package e2e

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// interruptedRE is how the restore killed below is told.
var interruptedRE = regexp.MustCompile(`restore chat by root at \d\d:\d\d was interrupted`)

// interruptedNoticeRE is the status bar's notice of it, spaces removed
// (bottomText).
var interruptedNoticeRE = regexp.MustCompile(`restorechatbyrootat\d\d:\d\dwasinterrupted`)

// A kill -9 in the middle of an action leaves a trace: the next console on
// the state directory closes the audit log's before entry with an after
// of result interrupted, says so in its status bar, and stamps it on the
// open incident's timeline.
func TestKilledActionIsReportedInterrupted(t *testing.T) {
	eachVariant(t, func(t *testing.T, v terminal) {
		state := filepath.Join(t.TempDir(), "state")
		first := v.start(t, tuitest.Options{StateHome: state})
		openIncident(t, first, 1, "Database corruption")
		first.Keys("6")
		waitHeading(t, first, "DATABASE PERFORMANCE")
		first.Keys("b") // chat
		waitPlan(t, first, "RESTORE chat")
		confirmTyped(t, first, "chat")
		first.WaitFor(`pg_restore: processing data for table "public.users" (simulated)`)
		first.Kill()
		if lines, err := readAudit(first); err != nil || len(lines) != 1 || lines[0].Phase != "before" {
			t.Fatalf("the audit log after the kill: %+v, %v", lines, err)
		}

		c := v.start(t, tuitest.Options{StateHome: state})
		_, h := c.Size()
		// The notice may wrap up over the screen at 80 columns.
		c.Until("the status bar saying the restore was interrupted", tuitest.ConsoleWait, func(s string) bool {
			return interruptedNoticeRE.MatchString(bottomText(s, h, 3))
		})
		if _, after := waitAuditPair(t, c, "restore", "chat"); after.Result != "interrupted" || after.User != "root" {
			t.Errorf("audit after %+v, want interrupted", after)
		}
		c.Keys("9")
		c.WaitMatch(regexp.MustCompile(`\d\d:\d\d:\d\d ` + interruptedRE.String() + ` · opsdeck`))
	})
}
