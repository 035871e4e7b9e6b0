package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"

	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/incident"
)

// The test binary doubles as opsdeck: with OPSDECK_AS_MAIN set it runs
// main's run() instead of the tests, so a test can start, kill and
// restart the real program without building it first.
func TestMain(m *testing.M) {
	if os.Getenv("OPSDECK_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// proc is opsdeck running in a pseudo-terminal, its screen emulated.
type proc struct {
	t   *testing.T
	cmd *exec.Cmd
	pty *os.File

	mu  sync.Mutex
	emu *vt.Emulator
	out bytes.Buffer // everything opsdeck wrote
}

func startOpsdeck(t *testing.T, state string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "--seed", "1")
	cmd.Env = append(os.Environ(), "OPSDECK_AS_MAIN=1", "XDG_STATE_HOME="+state, "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(100, 30)}
	go func() { _, _ = io.Copy(io.Discard, p.emu) }() // answers to terminal queries are not needed
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				p.mu.Lock()
				_, _ = p.emu.Write(buf[:n])
				p.out.Write(buf[:n])
				p.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { p.kill(); f.Close() })
	return p
}

func (p *proc) screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return ansi.Strip(p.emu.Render())
}

func (p *proc) waitFor(want string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.screen(), want) {
		if time.Now().After(deadline) {
			p.t.Fatalf("%q never appeared; screen:\n%s", want, p.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *proc) send(s string) {
	p.t.Helper()
	if _, err := p.pty.WriteString(s); err != nil {
		p.t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond) // one key per read, as a person types
}

func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_, _ = p.cmd.Process.Wait()
	}
}

// waitAudit polls the audit file until it holds n entries.
func waitAudit(t *testing.T, path string, n int) []audit.Entry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		e, _, _ := audit.Read(path)
		if len(e) >= n {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit log has %d entries, want %d", len(e), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestKilledOpsdeckLosesNothing kills opsdeck with SIGKILL while a
// restart it started is running: the audit entry written before the
// restart is on disk, and the restarted opsdeck resumes the incident at
// the step it was on, with the timeline intact.
func TestKilledOpsdeckLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the program three times")
	}
	state := t.TempDir()
	auditPath := filepath.Join(state, "opsdeck", "audit.jsonl")
	p := startOpsdeck(t, state)
	p.waitFor("SYSTEM HEALTH OVERVIEW")
	p.send("9")
	p.send("n")
	p.waitFor("What failed?")
	p.send("\r")
	p.send("\r")
	p.waitFor("service (tab completes)")
	for _, r := range "chat-backend" {
		p.send(string(r))
	}
	p.send("\r")
	p.waitFor("take the live answer")
	p.send("y")
	p.waitFor("enter restart chat-backend")
	p.send("\r")
	p.waitFor("Type chat-backend")
	time.Sleep(500 * time.Millisecond) // the confirmation's key grace
	for _, r := range "chat-backend" {
		p.send(string(r))
	}
	p.send("\r")
	before := waitAudit(t, auditPath, 1)
	p.kill() // mid-action: the simulated restart takes 600 ms

	entries, bad, err := audit.Read(auditPath)
	if err != nil || bad != 0 || len(entries) < len(before) || entries[0].Phase != audit.PhaseBefore || entries[0].Kind != "restart" {
		t.Fatalf("audit after kill: %+v (%d bad, %v)", entries, bad, err)
	}

	// Restarted, opsdeck resumes the incident; the restart step is still
	// to do (it never reported back), and its answers are kept.
	p2 := startOpsdeck(t, state)
	p2.waitFor("SYSTEM HEALTH OVERVIEW")
	p2.send("9")
	p2.waitFor("Restart container")
	screen := p2.screen()
	for _, want := range []string{"INCIDENT Service crash - chat-backend", "Health check failing?: yes", "service: chat-backend"} {
		if !strings.Contains(screen, want) {
			t.Errorf("resumed screen lacks %q:\n%s", want, screen)
		}
	}
	// It can go on from there: run the restart again to the end.
	p2.send("\r")
	p2.waitFor("Type chat-backend")
	time.Sleep(500 * time.Millisecond)
	for _, r := range "chat-backend" {
		p2.send(string(r))
	}
	p2.send("\r")
	p2.waitFor("✔ done in")
	p2.send("q") // the action view; q quits once nothing runs
	if err := waitExit(p2.cmd, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	// The killed restart was closed as interrupted when opsdeck started
	// again; the second ran to its end.
	all := waitAudit(t, auditPath, 4)
	pairs := audit.Pairs(all)
	if len(pairs) != 2 || pairs[0].After == nil || pairs[0].After.Result != audit.ResultInterrupted || pairs[1].After == nil || pairs[1].After.Result != audit.ResultOK {
		t.Fatalf("pairs %+v", pairs)
	}
	_, open, err := incident.Open(filepath.Join(state, "opsdeck", "incidents"))
	if err != nil || open == nil {
		t.Fatalf("no open incident after the kill: %v", err)
	}
	var timeline bytes.Buffer
	for _, e := range open.Timeline {
		timeline.WriteString(e.Text + "\n")
	}
	if !strings.Contains(timeline.String(), "restart chat-backend by root at ") || !strings.Contains(timeline.String(), " was interrupted\n") {
		t.Fatalf("timeline lacks the interrupted restart:\n%s", timeline.String())
	}
	if !strings.Contains(timeline.String(), "restart chat-backend: ok") {
		t.Fatalf("timeline lacks the finished restart:\n%s", timeline.String())
	}
}

func waitExit(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { _, err := cmd.Process.Wait(); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return os.ErrDeadlineExceeded
	}
}
