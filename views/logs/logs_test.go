package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/views/kit"
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
	got := kit.Sanitize(evil)
	if strings.ContainsAny(got, "\x1b\x07\r\u009b") {
		t.Fatalf("control characters survived: %q", got)
	}
	if !strings.Contains(got, "red") || !strings.Contains(got, "tab end") {
		t.Fatalf("text lost: %q", got)
	}
}

func TestLogsViewSearchPauseAndBound(t *testing.T) {
	c := kit.Common{Theme: theme.Default(), Keys: keymap.Default(), IDs: &kit.IDs{}}
	v := New(c, "chat-backend")
	v.SetSize(80, 10)
	var lines []backend.LogLine
	for i := range LogBufferLines + 100 {
		stream := "stdout"
		if i%10 == 9 {
			stream = "stderr"
		}
		lines = append(lines, backend.LogLine{Stream: stream, Text: fmt.Sprintf("line %05d", i)})
	}
	v.Update(logBatch{lines: lines})
	if v.buf.len() != LogBufferLines {
		t.Fatalf("buffer holds %d lines, bound is %d", v.buf.len(), LogBufferLines)
	}
	out := ansi.Strip(v.View())
	if !strings.Contains(out, "line 05099") || !strings.Contains(out, "E line 05099") {
		t.Fatalf("following view must end at the newest line, stderr marked:\n%s", out)
	}
	v.Update(keytest.Press("/"))
	for _, r := range "line 00150" {
		v.Update(keytest.Press(string(r)))
	}
	v.Update(keytest.Press("enter"))
	if n, ok := v.hits.current(); v.follow || !ok || v.buf.at(n-v.buf.number(0)).Text != "line 00150" {
		t.Fatalf("search did not pause at the match: follow=%v match=%d (%v)", v.follow, n, ok)
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
		for range 200 {
			ch <- backend.LogLine{Text: "line"}
			time.Sleep(time.Millisecond / 2) // the stream's pace, not a wait
		}
		close(ch)
		errc <- nil
	}()
	s := &stream{lines: ch, errc: errc}
	batches, lines := 0, 0
	start := time.Now()
	for {
		b := s.wait(t.Context())
		batches++
		lines += len(b.lines)
		if b.done {
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

// A stream whose screen closed ends: wait returns at once with the
// context's error, and the streamer's goroutine stops.
func TestStreamEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ended := make(chan error, 1)
	src := streamerFunc(func(ctx context.Context, _ string, _ int, out func(backend.LogLine)) error {
		out(backend.LogLine{Text: "first"})
		<-ctx.Done()
		ended <- ctx.Err()
		return ctx.Err()
	})
	s := openStream(ctx, src, "chat-backend", 10)
	if b := s.wait(ctx); len(b.lines) != 1 || b.done {
		t.Fatalf("first batch %+v", b)
	}
	cancel()
	if b := s.wait(ctx); !b.done {
		t.Fatalf("a closed screen's stream did not end: %+v", b)
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the streamer kept running after its context ended")
	}
}

type streamerFunc func(ctx context.Context, service string, tail int, out func(backend.LogLine)) error

func (f streamerFunc) StreamLogs(ctx context.Context, service string, tail int, out func(backend.LogLine)) error {
	return f(ctx, service, tail, out)
}

// ctrl+u pauses and scrolls half the lines shown up, ctrl+d as far down,
// never past the newest line.
func TestLogsHalfPage(t *testing.T) {
	c := kit.Common{Theme: theme.Default(), Keys: keymap.Default(), IDs: &kit.IDs{}}
	v := New(c, "chat-backend")
	v.SetSize(80, 12) // 10 lines of body: half a page is 5
	var lines []backend.LogLine
	for i := range 100 {
		lines = append(lines, backend.LogLine{Text: fmt.Sprintf("line %03d", i)})
	}
	v.Update(logBatch{lines: lines})
	for i, st := range []struct {
		key    string
		offset int
	}{{"ctrl+u", 85}, {"ctrl+u", 80}, {"ctrl+d", 85}, {"ctrl+d", 90}, {"ctrl+d", 90}} {
		v.Update(keytest.Press(st.key))
		if v.follow || v.offset != st.offset {
			t.Fatalf("step %d (%s): follow=%v offset %d, want paused at %d", i, st.key, v.follow, v.offset, st.offset)
		}
	}
}
