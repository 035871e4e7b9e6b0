package main

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// On a real terminal opsdeck draws through tui/screen: it enters the
// alternate screen, answers keys and resizes at once, and on quit leaves
// the alternate screen, shows the cursor and gives the shell back a
// terminal that echoes and reads lines.
func TestConsoleOnATerminal(t *testing.T) {
	p := startOpsdeck(t, t.TempDir())
	p.waitFor("SYSTEM HEALTH")
	p.mu.Lock()
	first := p.out.String()
	p.mu.Unlock()
	if !strings.HasPrefix(first, ansi.SetModeAltScreenSaveCursor+ansi.ResetModeTextCursorEnable) {
		t.Fatalf("output does not start in the alternate screen with the cursor hidden: %q", first[:min(len(first), 60)])
	}
	raw, err := unix.IoctlGetTermios(int(p.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Lflag&(unix.ECHO|unix.ICANON) != 0 {
		t.Fatalf("terminal not in raw mode while the console runs: lflag %#x", raw.Lflag)
	}

	p.send("2")
	p.waitFor("SERVICE STATUS")

	// A wider terminal: the kernel sends SIGWINCH and the header's clock
	// moves to the new right edge.
	p.mu.Lock()
	p.emu.Resize(140, 36)
	p.mu.Unlock()
	if err := pty.Setsize(p.pty, &pty.Winsize{Cols: 140, Rows: 36}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		header := strings.TrimRight(strings.SplitN(p.screen(), "\n", 2)[0], " ")
		if len(header) > 0 && ansi.StringWidth(header) == 140 && strings.HasSuffix(header, "UTC") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("header never reached the new width 140:\n%s", p.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}

	p.send("q")
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("opsdeck exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opsdeck did not quit on q")
	}
	p.mu.Lock()
	out := p.out.String()
	p.mu.Unlock()
	if !strings.HasSuffix(out, ansi.ResetModeAltScreenSaveCursor+ansi.SetModeTextCursorEnable) {
		t.Fatalf("output does not end by leaving the alternate screen and showing the cursor: %q", out[max(0, len(out)-80):])
	}
	cooked, err := unix.IoctlGetTermios(int(p.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if cooked.Lflag&unix.ECHO == 0 || cooked.Lflag&unix.ICANON == 0 {
		t.Fatalf("terminal left in raw mode after quit: lflag %#x", cooked.Lflag)
	}
}
