package serve

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var syncMode = regexp.MustCompile(`\x1b\[\?2026[hl]`)

// syncedFrames checks that begin/end synchronized-output marks alternate,
// starting with begin and ending with end, and returns the framed parts
// and what was written outside them.
func syncedFrames(t *testing.T, out string) (frames []string, outside string) {
	t.Helper()
	marks := syncMode.FindAllStringIndex(out, -1)
	if len(marks) == 0 || len(marks)%2 != 0 {
		t.Fatalf("%d 2026 marks, want begin/end pairs", len(marks))
	}
	last := 0
	for i := 0; i < len(marks); i += 2 {
		b, e := out[marks[i][0]:marks[i][1]], out[marks[i+1][0]:marks[i+1][1]]
		if !strings.HasSuffix(b, "h") || !strings.HasSuffix(e, "l") {
			t.Fatalf("marks %d,%d are %q,%q, want ?2026h then ?2026l", i, i+1, b, e)
		}
		frames = append(frames, out[marks[i][1]:marks[i+1][0]])
		outside += out[last:marks[i][0]]
		last = marks[i+1][1]
	}
	return frames, outside + out[last:]
}

// Bubble Tea sends frames in synchronized-output brackets over SSH because
// the server turns the mode on, not because the client answered.
func TestFramesUseSynchronizedOutput(t *testing.T) {
	f := start(t, nil, nil)
	tm := f.open(t, f.operator, "xterm-256color", 100, 30)
	tm.waitScreen(ready, within)
	tm.send("2")
	tm.waitScreen("SERVICE STATUS", within)
	tm.send("q")
	tm.waitEnd(within)
	frames, outside := syncedFrames(t, tm.output())
	// Every visible character was drawn inside a frame: outside there are
	// only mode switches and queries.
	if text := strings.TrimSpace(ansi.Strip(outside)); text != "" {
		t.Fatalf("text drawn outside synchronized frames: %q", text)
	}
	overview := false
	for _, fr := range frames {
		overview = overview || strings.Contains(fr, "SYSTEM HEALTH OVERVIEW")
	}
	// At least the overview and the services view (frames coalesce).
	if len(frames) < 2 || !overview {
		t.Fatalf("%d synchronized frames; overview drawn in one: %v", len(frames), overview)
	}
	t.Logf("%d frames, all text inside ?2026h … ?2026l", len(frames))
}

// What Bubble Tea v2.1.1 does on its own for a wish session whose terminal
// does not answer the DECRQM query (x/crypto's client, tmux 3.3a): it asks,
// gets no answer, and never turns synchronized output on.
func TestWithoutServerSyncIsOffForSilentTerminal(t *testing.T) {
	f := start(t, nil, nil, func(s *Server) { s.leaveSyncAlone = true })
	tm := f.open(t, f.operator, "xterm-256color", 100, 30)
	tm.waitScreen(ready, within)
	tm.send("2")
	tm.waitScreen("SERVICE STATUS", within)
	out := tm.output()
	if !strings.Contains(out, "\x1b[?2026$p") {
		t.Error("Bubble Tea did not query mode 2026 (wish's environment has no SSH_TTY, so it should)")
	}
	if syncMode.MatchString(out) {
		t.Fatal("synchronized output was on without the server turning it on: the forcing may be unneeded now")
	}
}
