package logs

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// logsWith is a logs screen holding lines from..to-1, "line N", those
// whose N is a multiple of every saying "match".
func logsWith(t *testing.T, from, to, every int) *Logs {
	t.Helper()
	c := kit.Common{Theme: theme.Default(), Keys: keymap.Default(), IDs: &kit.IDs{}}
	v := New(c, "chat-backend")
	v.SetSize(100, 12)
	feed(v, from, to, every)
	return v
}

func feed(v *Logs, from, to, every int) {
	var lines []backend.LogLine
	for i := from; i < to; i++ {
		text := fmt.Sprintf("line %05d", i)
		if i%every == 0 {
			text += " match"
		}
		lines = append(lines, backend.LogLine{Text: text})
	}
	v.Update(logBatch{lines: lines})
}

func search(v *Logs, term string) tea.Cmd {
	v.Update(keytest.Press("/"))
	for _, r := range term {
		v.Update(keytest.Press(string(r)))
	}
	return v.Update(keytest.Press("enter"))
}

// footer is the logs' last line, plain.
func footer(v *Logs) string {
	lines := strings.Split(ansi.Strip(v.View()), "\n")
	return lines[len(lines)-1]
}

// notice is the text of the notice cmd asks for, "" for none.
func notice(cmd tea.Cmd) string {
	if cmd == nil {
		return ""
	}
	if n, ok := cmd().(kit.NoticeMsg); ok {
		return n.Text
	}
	return ""
}

// currentText is the text of the current match's line.
func currentText(t *testing.T, v *Logs) string {
	t.Helper()
	n, ok := v.hits.current()
	if !ok {
		t.Fatal("no current match")
	}
	return v.buf.at(n - v.buf.number(0)).Text
}

// enter goes to the newest match, n to older ones and N to newer, the
// footer counting [current/total]; past either end the search wraps and
// the status bar is told which way.
func TestSearchCountsAndWraps(t *testing.T) {
	v := logsWith(t, 0, 30, 3) // 10 matches: 0, 3, … 27
	if got := notice(search(v, "MATCH")); got != "" {
		t.Fatalf("enter gave the notice %q", got)
	}
	steps := []struct {
		key, count, line, notice string
	}{
		{"", "[10/10]", "line 00027 match", ""},
		{"n", "[9/10]", "line 00024 match", ""},
		{"N", "[10/10]", "line 00027 match", ""},
		{"N", "[1/10]", "line 00000 match", "search wrapped to the top"},
		{"N", "[2/10]", "line 00003 match", ""},
		{"n", "[1/10]", "line 00000 match", ""},
		{"n", "[10/10]", "line 00027 match", "search wrapped to the bottom"},
	}
	for _, st := range steps {
		got := ""
		if st.key != "" {
			got = notice(v.Update(keytest.Press(st.key)))
		}
		if got != st.notice {
			t.Errorf("%s: notice %q, want %q", st.key, got, st.notice)
		}
		if f := footer(v); !strings.HasPrefix(f, `search "MATCH" `+st.count+"  n/N next/prev match  esc clear search") {
			t.Fatalf("after %q the footer is %q, want the count %s", st.key, f, st.count)
		}
		if got := currentText(t, v); got != st.line {
			t.Fatalf("after %q the current match is %q, want %q", st.key, got, st.line)
		}
		if v.follow {
			t.Fatalf("after %q the view follows: a match must stay on screen", st.key)
		}
	}
	// Lines that come count as they come.
	feed(v, 30, 40, 3) // 30, 33, 36, 39
	if f := footer(v); !strings.HasPrefix(f, `search "MATCH" [10/14]`) {
		t.Fatalf("after 10 more lines the footer is %q", f)
	}
	// esc ends the search (the root asks Back first): the footer says
	// the keys again.
	if !v.Back() {
		t.Fatal("Back did not clear the search")
	}
	if f := footer(v); f != "/ search  n/N next/prev match  p pause/follow  w wrap  t timestamps  esc back" {
		t.Fatalf("footer without a search: %q", f)
	}
	if got := notice(v.Update(keytest.Press("n"))); got != "" || v.hits.term != "" {
		t.Fatalf("n without a search: notice %q, term %q", got, v.hits.term)
	}
}

// The buffer is full and drops its oldest lines as new ones come: the
// current match stays on its line, the count drops the matches that went
// and adds those that came; a current match that went leaves none
// current, and n starts again from the newest.
func TestSearchSurvivesDroppedLines(t *testing.T) {
	v := logsWith(t, 0, LogBufferLines, 100) // 50 matches: 0, 100, … 4900
	search(v, "match")
	v.Update(keytest.Press("n"))
	if got := currentText(t, v); got != "line 04800 match" || !strings.HasPrefix(footer(v), `search "match" [49/50]`) {
		t.Fatalf("current %q, footer %q", got, footer(v))
	}
	feed(v, LogBufferLines, LogBufferLines+150, 100) // drops 0 and 100, adds 5000 and 5100
	if got := currentText(t, v); got != "line 04800 match" || !strings.HasPrefix(footer(v), `search "match" [47/50]`) {
		t.Fatalf("after 150 lines dropped: current %q, footer %q", got, footer(v))
	}
	if out := ansi.Strip(v.View()); !strings.Contains(out, "line 04800 match") {
		t.Fatalf("the paused view lost its match:\n%s", out)
	}

	for range 46 { // from [47/50] to [1/50]
		v.Update(keytest.Press("n"))
	}
	if got := notice(v.Update(keytest.Press("n"))); got != "search wrapped to the bottom" {
		t.Fatalf("n at the first match: notice %q", got)
	}
	v.Update(keytest.Press("N")) // the oldest: line 200
	if got := currentText(t, v); got != "line 00200 match" {
		t.Fatalf("the oldest match is %q", got)
	}
	feed(v, LogBufferLines+150, LogBufferLines+250, 100) // drops 200
	if _, ok := v.hits.current(); ok || !strings.HasPrefix(footer(v), `search "match" [0/50]`) {
		t.Fatalf("the current match dropped out: footer %q", footer(v))
	}
	v.Update(keytest.Press("n"))
	if got := currentText(t, v); got != "line 05200 match" {
		t.Fatalf("n with no current match went to %q, want the newest", got)
	}
}

// A term no line has: the counter says so and n and N do nothing.
func TestSearchWithoutMatches(t *testing.T) {
	v := logsWith(t, 0, 30, 3)
	search(v, "nowhere")
	if f := footer(v); !strings.HasPrefix(f, `search "nowhere" [0/0]`) || !strings.Contains(v.status, `no match for "nowhere"`) {
		t.Fatalf("footer %q, status %q", f, v.status)
	}
	if got := notice(v.Update(keytest.Press("N"))); got != "" || !v.follow {
		t.Fatalf("N without matches: notice %q, follow %v", got, v.follow)
	}
}
