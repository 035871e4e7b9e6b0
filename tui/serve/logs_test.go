package serve

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui"
	"github.com/manacore/opsdeck/views/kit"
)

// chattyLogs writes a line every few milliseconds until its stream's
// context ends, and counts the streams open.
type chattyLogs struct{ open atomic.Int32 }

func (l *chattyLogs) StreamLogs(ctx context.Context, service string, _ int, out func(backend.LogLine)) error {
	l.open.Add(1)
	defer l.open.Add(-1)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			out(backend.LogLine{Container: service + "-1", Stream: "stdout", At: testNow, Text: fmt.Sprintf("line %d", i)})
		}
	}
}

var linesRE = regexp.MustCompile(`following · (\d+) lines`)

// lineCount is the count the logs screen shows, -1 when it shows none.
func lineCount(tm *term) int {
	m := linesRE.FindStringSubmatch(tm.screen())
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Two sessions follow logs at once (run with -race: the consoles share
// the server, the hub and the streamer); each stream flows to its own
// session and ends with it.
func TestTwoSessionsStreamLogsAtOnce(t *testing.T) {
	logs := &chattyLogs{}
	f := start(t, nil, func(c *Config) {
		base := c.Options
		c.Options = func(a backend.Actor) tui.Options {
			o := base(a)
			o.Deps = kit.Deps{Logs: logs}
			return o
		}
	})
	a := f.open(t, f.operator, "xterm-256color", 100, 30)
	b := f.open(t, f.viewer, "xterm", 80, 24)
	for _, tm := range []*term{a, b} {
		tm.waitScreen(ready, within)
		tm.send("3")
		tm.waitScreen("FLEET · ", within)
		tm.send("l")
	}
	for _, tm := range []*term{a, b} {
		first := 0
		testbed.Eventually(t, within, "log lines", func() (bool, string) {
			first = lineCount(tm)
			return first > 0, tm.screen()
		})
		testbed.Eventually(t, within, "more than "+strconv.Itoa(first)+" log lines", func() (bool, string) {
			return lineCount(tm) > first, tm.screen()
		})
	}
	if n := logs.open.Load(); n != 2 {
		t.Fatalf("%d streams open, want one per session", n)
	}
	// ctrl+c quits from the logs (q would close them first, and their
	// stream with them): the session's end must end its stream.
	a.send("\x03")
	if err := a.waitEnd(within); exitStatus(err) != 0 {
		t.Fatalf("session a ended with %v", err)
	}
	testbed.Eventually(t, within, "one stream left open after one session quit", func() (bool, string) {
		return logs.open.Load() == 1, fmt.Sprintf("%d open", logs.open.Load())
	})
	n := lineCount(b)
	testbed.Eventually(t, within, "the other session's stream to go on", func() (bool, string) {
		return lineCount(b) > n, b.screen()
	})
}
