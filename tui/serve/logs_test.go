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
		waitUntil(t, within, func() bool { first = lineCount(tm); return first > 0 },
			func() string { return "no log lines:\n" + tm.screen() })
		waitUntil(t, within, func() bool { return lineCount(tm) > first },
			func() string { return "log lines stopped at " + strconv.Itoa(first) + ":\n" + tm.screen() })
	}
	if n := logs.open.Load(); n != 2 {
		t.Fatalf("%d streams open, want one per session", n)
	}
	a.send("q")
	if err := a.waitEnd(within); exitStatus(err) != 0 {
		t.Fatalf("session a ended with %v", err)
	}
	waitUntil(t, within, func() bool { return logs.open.Load() == 1 },
		func() string { return fmt.Sprintf("%d streams open after one session quit, want 1", logs.open.Load()) })
	n := lineCount(b)
	waitUntil(t, within, func() bool { return lineCount(b) > n },
		func() string { return "the other session's stream stopped:\n" + b.screen() })
}
