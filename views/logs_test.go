package views

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/views/theme"
)

func TestRingKeepsTheNewestLines(t *testing.T) {
	r := newRing(3)
	for i := range 5 {
		dropped := r.push(backend.LogLine{Text: fmt.Sprint(i)})
		if dropped != (i >= 3) {
			t.Fatalf("push %d: dropped=%v", i, dropped)
		}
	}
	if r.len() != 3 || r.at(0).Text != "2" || r.at(2).Text != "4" {
		t.Fatalf("ring holds %d, first %q, last %q", r.len(), r.at(0).Text, r.at(2).Text)
	}
}

// A container's output is outside input: escape sequences must never
// reach the terminal (cursor moves, title changes, clearing the screen).
func TestSanitizeMakesEscapesHarmless(t *testing.T) {
	evil := "ok \x1b[2J\x1b]0;pwned\x07\x1b[31mred\x1b[0m\rback\u009b31m tab\tend"
	got := sanitize(evil)
	if strings.ContainsAny(got, "\x1b\x07\r\u009b") {
		t.Fatalf("control characters survived: %q", got)
	}
	if !strings.Contains(got, "red") || !strings.Contains(got, "tab end") {
		t.Fatalf("text lost: %q", got)
	}
}

func TestLogsViewSearchPauseAndBound(t *testing.T) {
	c := Common{Theme: theme.Default(), Keys: keymap.Default()}
	v := &Logs{c: c, id: 1, service: "chat-backend", cancel: func() {}, follow: true, stamps: true, match: -1,
		buf: newRing(LogBufferLines), status: "following"}
	v.search = newSearchInput()
	v.SetSize(80, 10)
	var lines []backend.LogLine
	for i := range LogBufferLines + 100 {
		stream := "stdout"
		if i%10 == 9 {
			stream = "stderr"
		}
		lines = append(lines, backend.LogLine{Stream: stream, Text: fmt.Sprintf("line %05d", i)})
	}
	v.Update(LogBatchMsg{ID: 1, Lines: lines})
	if v.buf.len() != LogBufferLines {
		t.Fatalf("buffer holds %d lines, bound is %d", v.buf.len(), LogBufferLines)
	}
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "line 05099") || !strings.Contains(out, "E line 05099") {
		t.Fatalf("following view must end at the newest line, stderr marked:\n%s", out)
	}
	// A batch for another (closed) view is ignored.
	v.Update(LogBatchMsg{ID: 2, Lines: []backend.LogLine{{Text: "stray"}}})
	if strings.Contains(ansi.Strip(v.View()), "stray") {
		t.Fatal("a stale stream's lines reached this view")
	}
	v.Update(keytest.Press("/"))
	for _, r := range "line 00150" {
		v.Update(keytest.Press(string(r)))
	}
	v.Update(keytest.Press("enter"))
	if v.follow || v.match < 0 || v.buf.at(v.match).Text != "line 00150" {
		t.Fatalf("search did not pause at the match: follow=%v match=%d", v.follow, v.match)
	}
	if out := ansi.Strip(v.View()); !strings.Contains(out, "line 00150") {
		t.Fatalf("match not on screen:\n%s", out)
	}
	v.Update(keytest.Press("p"))
	if !v.follow {
		t.Fatal("p should resume following")
	}
	v.Update(keytest.Press("w"))
	v.Update(keytest.Press("t"))
	if !v.wrap || v.stamps {
		t.Fatal("w and t should toggle wrap and timestamps")
	}
	for _, l := range strings.Split(v.View(), "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("line wider than the view: %q", l)
		}
	}
}

// A chatty stream arrives in few batches: at most one per logCoalesce
// after the first, however many lines come in between.
func TestLogBatchesAreCoalesced(t *testing.T) {
	ch := make(chan backend.LogLine)
	errc := make(chan error, 1)
	go func() {
		for i := 0; i < 200; i++ {
			ch <- backend.LogLine{Text: "line"}
			time.Sleep(time.Millisecond / 2)
		}
		close(ch)
		errc <- nil
	}()
	next := waitLogs(1, ch, errc)
	batches, lines := 0, 0
	start := time.Now()
	for {
		msg := next().(LogBatchMsg)
		batches++
		lines += len(msg.Lines)
		if msg.Done {
			break
		}
	}
	took := time.Since(start)
	// One batch at once, then at most one per 50 ms of streaming (+1 for
	// the end); one per line would be 200.
	if limit := 2 + int(took/logCoalesce); lines != 200 || batches > limit {
		t.Fatalf("%d lines in %d batches over %s (limit %d)", lines, batches, took, limit)
	}
}
