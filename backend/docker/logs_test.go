package docker

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/pkg/stdcopy"
)

func collect(t *testing.T, data []byte, tty, stamped bool) []LogLine {
	t.Helper()
	var got []LogLine
	if err := copyLines(bytes.NewReader(data), tty, stamped, func(l LogLine) { got = append(got, l) }); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCopyLinesMultiplexed(t *testing.T) {
	var buf bytes.Buffer
	out := stdcopy.NewStdWriter(&buf, stdcopy.Stdout)
	errw := stdcopy.NewStdWriter(&buf, stdcopy.Stderr)
	// Frames do not align with lines: a line split over two frames, two
	// lines in one frame, a last line without newline.
	out.Write([]byte("2026-11-26T10:00:00.000000001Z out 0\n2026-11-26T10:00:00.5Z out "))
	errw.Write([]byte("2026-11-26T10:00:01Z err 0\n"))
	out.Write([]byte("1\n"))
	errw.Write([]byte("2026-11-26T10:00:02Z  two spaces\r\n2026-11-26T10:00:03Z\n2026-11-26T10:00:04Z tail"))
	got := collect(t, buf.Bytes(), false, true)
	want := []struct{ stream, text, at string }{
		{"stdout", "out 0", "2026-11-26T10:00:00.000000001Z"},
		{"stderr", "err 0", "2026-11-26T10:00:01Z"},
		{"stdout", "out 1", "2026-11-26T10:00:00.5Z"}, // completed by the later frame
		{"stderr", " two spaces", "2026-11-26T10:00:02Z"},
		{"stderr", "", "2026-11-26T10:00:03Z"},
		{"stderr", "tail", "2026-11-26T10:00:04Z"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		at, _ := time.Parse(time.RFC3339Nano, w.at)
		if got[i].Stream != w.stream || got[i].Text != w.text || !got[i].At.Equal(at) {
			t.Errorf("line %d: %+v, want %+v", i, got[i], w)
		}
	}
}

func TestCopyLinesTTYAndLimits(t *testing.T) {
	got := collect(t, []byte("out 0\r\nerr 0\r\n"), true, false)
	if len(got) != 2 || got[0].Text != "out 0" || got[1].Text != "err 0" || got[1].Stream != "stdout" || !got[0].At.IsZero() {
		t.Errorf("tty: %+v", got)
	}
	// Without Timestamps a leading time-like word is text.
	got = collect(t, []byte("2026-11-26T10:00:00Z is text\n"), true, false)
	if got[0].Text != "2026-11-26T10:00:00Z is text" {
		t.Errorf("unstamped: %+v", got)
	}
	long := strings.Repeat("x", 2*maxLine+10) + "\n" + strings.Repeat("y", maxLine) + "\nz\n"
	got = collect(t, []byte(long), true, false)
	if len(got) != 5 || len(got[0].Text) != maxLine || len(got[1].Text) != maxLine || len(got[2].Text) != 10 ||
		len(got[3].Text) != maxLine || got[4].Text != "z" {
		t.Errorf("long lines split into %d parts", len(got))
	}
}
