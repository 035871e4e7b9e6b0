package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The log file stays under its bound: past it the file becomes .1 (the
// .1 before is dropped) and a new one starts; every line stays whole.
func TestLogFileRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "opsdeck.log")
	f, err := openLogFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := func(i int) []byte { return fmt.Appendf(nil, "line %02d %s\n", i, strings.Repeat("x", 30)) } // 40 bytes
	for i := range 7 {
		if _, err := f.Write(line(i)); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := os.ReadFile(path)
	old, _ := os.ReadFile(path + ".1")
	if !bytes.Equal(cur, line(6)) || !bytes.Equal(old, append(line(4), line(5)...)) {
		t.Fatalf("current %q\nprevious %q", cur, old)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("log file mode: %v %v", st, err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("log directory mode: %v %v", st, err)
	}
}

// Two processes share the log: when one has rotated it, the other starts
// writing to the new file instead of rotating it away too.
func TestLogFileRotatedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "opsdeck.log")
	a, err := openLogFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := openLogFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fill := []byte(strings.Repeat("a", 79) + "\n")
	_, _ = a.Write(fill)
	_, _ = b.Write([]byte("b1\n")) // b thinks the file is 3 bytes long
	_, _ = a.Write([]byte("a2\n")) // 83 + 3 < 100: no rotation yet
	_, _ = a.Write(fill)           // over: a rotates
	_, _ = b.Write(fill)           // b still writes to the old file, now .1
	// Over the bound for b: the name holds a's new file, which b must not
	// rename over the .1 (losing its lines); b moves to the new file.
	_, _ = b.Write(fill)
	cur, _ := os.ReadFile(path)
	old, _ := os.ReadFile(path + ".1")
	if !strings.HasPrefix(string(old), string(fill)+"b1\na2\n") {
		t.Fatalf("previous file %q", old)
	}
	if !strings.HasSuffix(string(cur), string(fill)) || strings.Count(string(cur)+string(old), string(fill)) != 4 {
		t.Fatalf("lines lost or doubled:\ncurrent %q\nprevious %q", cur, old)
	}
}

// A password in a URL never reaches the log, whatever carries it.
func TestLogHandlerScrubsURLPasswords(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logHandler(&buf, slog.LevelInfo))
	log.Info("source failing", "err", `Get "http://opsdeck:s3cret@prom.internal:9090/api/v1/query": connection refused`, "mail", "ops@example.com")
	out := buf.String()
	if strings.Contains(out, "s3cret") || !strings.Contains(out, "http://***@prom.internal:9090") || !strings.Contains(out, "ops@example.com") {
		t.Fatalf("%s", out)
	}
	log.Debug("not at info level")
	if strings.Contains(buf.String(), "not at info") {
		t.Fatal("a debug line at info level")
	}
}

// tui/serve's session lines become structured records; a line it does not
// know is kept as its text.
func TestServeEventIsStructured(t *testing.T) {
	var buf bytes.Buffer
	logf := serveEvent(slog.New(logHandler(&buf, slog.LevelInfo)))
	logf("session start: %s (%s, %s) from %s", "bob", "viewer", "SHA256:abc", "127.0.0.1:5555")
	logf("refused key %s (login %q) from %s", "SHA256:def", "eve", "127.0.0.1:5556")
	logf("something new: %d", 7)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		`level=INFO msg="session start" user=bob role=viewer fingerprint=SHA256:abc remote=127.0.0.1:5555`,
		`level=WARN msg="key refused" fingerprint=SHA256:def login=eve remote=127.0.0.1:5556`,
		`level=INFO msg="something new: 7"`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	for i, w := range want {
		if !strings.HasSuffix(lines[i], w) {
			t.Errorf("line %d:\n  got  %s\n  want …%s", i+1, lines[i], w)
		}
	}
}

func TestParseLogLevel(t *testing.T) {
	for s, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, " error ": slog.LevelError} {
		if got, err := parseLogLevel(s); err != nil || got != want {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	if _, err := parseLogLevel("info+2"); err == nil {
		t.Error("info+2 accepted")
	}
}

// No home at all: no log file, rather than one in the working directory.
func TestNoLogFileWithoutAHome(t *testing.T) {
	if p := logFilePath(env(nil)); p != "" {
		t.Fatalf("log file %q without HOME or XDG_STATE_HOME", p)
	}
	if p := logFilePath(env(map[string]string{"HOME": "/home/ops"})); p != "/home/ops/.local/state/opsdeck/opsdeck.log" {
		t.Fatalf("log file %q", p)
	}
}
