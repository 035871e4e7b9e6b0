//go:build unix

package tuitest

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math/rand/v2"
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
)

// ConsoleWait bounds a Console's waits unless a test gives its own: CI
// machines are slow, and the real program starts its sources first.
const ConsoleWait = 10 * time.Second

// raceExitCode is the exit status GORACE gives a -race opsdeck that found
// a data race (halt_on_error stops it at the first one).
const raceExitCode = 66

// Options say how StartConsole runs the binary.
type Options struct {
	Width, Height int      // the terminal's size; 0: 80x24
	Args          []string // command-line arguments; none: the demo fleet
	// Env is added to the child's environment last, so it overrides the
	// defaults (XDG_STATE_HOME, XDG_CONFIG_HOME, TERM) and may set
	// GOMAXPROCS, which is otherwise never inherited.
	Env []string
	// Seed jitters the time between keys; 0: a new one, logged.
	Seed uint64
	// StateHome is the child's XDG_STATE_HOME; empty: a fresh one. Two
	// consoles given the same one share a state directory (the audit
	// log, the open incident) as two processes of one user do.
	StateHome string
	// Dir is the child's working directory, where it writes what it is
	// given a relative path for (an export, a report); empty: a fresh one,
	// so that no console writes into the source tree.
	Dir string
	// Background is the terminal's background colour, which it answers
	// the program's OSC 11 query with; nil: black.
	Background color.Color
}

// Console is the binary running on a pseudo-terminal, with a terminal
// emulator drawing what it writes: tests read the screen a person would
// see and type as a person would.
type Console struct {
	t    testing.TB
	name string // the binary's, for messages
	cmd  *exec.Cmd
	pty  *os.File // the terminal's side (master) of the pty
	emu  *vt.SafeEmulator
	// cells is held while the program's output is written to emu and
	// while StyleOf reads its cells: the emulator's cells are pointers
	// that its own lock no longer guards once CellAt returns.
	cells sync.Mutex

	// keyIn carries typed keys to the same pump as the emulator's
	// replies, so a key never lands inside a reply (or the reverse).
	keyIn io.WriteCloser

	exited  chan struct{} // closed when the process has exited
	exitErr error         // the exit error; read after exited is closed
	drained chan struct{} // closed when all the program's output is on screen
	stderr  *syncBuffer

	rng    *rand.Rand
	nextAt time.Time // no key before this (human pace)
	killed bool

	stateHome, dir string // the child's XDG_STATE_HOME and working directory
}

// StartConsole runs bin on a w×h pty (Options.Width/Height, 80x24 if
// unset) and stops it when the test ends. (Start, in term.go, runs a model
// in-process instead.) The child gets a fresh state and config
// directory, TERM=xterm-256color, HOME, and never the test's GOMAXPROCS:
// the binary's own default is what a person starting it gets.
func StartConsole(t testing.TB, bin string, o Options) *Console {
	t.Helper()
	w, h := o.Width, o.Height
	if w == 0 || h == 0 {
		w, h = 80, 24
	}
	if o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	t.Logf("console %dx%d, key timing seed %d (Options.Seed reproduces it)", w, h, o.Seed)

	tmp := t.TempDir()
	stateHome, dir := consoleDirs(t, tmp, o)
	cmd := exec.Command(bin, o.Args...)
	cmd.Env = childEnv(os.Environ(), tmp, stateHome, o.Env)
	cmd.Dir = dir
	stderr := &syncBuffer{}
	// stderr goes to a buffer, not the pty: a race report or panic then
	// reaches the test log instead of scribbling over the screen.
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	emu := vt.NewSafeEmulator(w, h)
	if o.Background != nil {
		emu.SetDefaultBackgroundColor(o.Background)
	}
	// pty.StartWithSize makes the child a session leader with the pty as
	// its controlling terminal: SIGWINCH reaches it, and its pid is the
	// process group Kill signals.
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	c := &Console{
		t: t, name: filepath.Base(bin), cmd: cmd, pty: f, emu: emu,
		keyIn:     emu.InputPipe().(io.WriteCloser),
		exited:    make(chan struct{}),
		drained:   make(chan struct{}),
		stderr:    stderr,
		rng:       rand.New(rand.NewPCG(o.Seed, o.Seed)),
		stateHome: stateHome, dir: dir,
	}
	go c.readOutput()
	go c.writeInput()
	go func() {
		c.exitErr = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(c.cleanup)
	return c
}

// childEnv is the test's environment minus what would change the program
// under test (see inherited), plus the state directory, a fresh config
// directory under tmp and a known terminal type; extra comes last and
// wins (exec keeps the last of a duplicated name).
func childEnv(parent []string, tmp, stateHome string, extra []string) []string {
	env := make([]string, 0, len(parent)+len(extra)+4)
	for _, kv := range parent {
		if inherited(kv) {
			env = append(env, kv)
		}
	}
	env = append(env,
		// The demo fleet, not a Docker engine the machine happens to
		// run: a test names its config (--config outranks this) or
		// clears it (OPSDECK_DEMO=) to start without one.
		"OPSDECK_DEMO=1",
		"XDG_STATE_HOME="+stateHome,
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "config"),
		"TERM=xterm-256color",
		fmt.Sprintf("GORACE=halt_on_error=1 exitcode=%d", raceExitCode),
	)
	return append(env, extra...)
}

// inherited says whether the child gets this variable of the test's
// environment. Not: GOMAXPROCS (the binary's own default is under test),
// the terminal's type and colour settings (the pty is the terminal), the
// state and config directories (each console starts fresh), and
// OPSDECK_* (OPSDECK_CONFIG would swap the demo fleet for another).
func inherited(kv string) bool {
	name, _, _ := strings.Cut(kv, "=")
	switch name {
	case "GOMAXPROCS", "GORACE", "TERM", "COLORTERM", "NO_COLOR", "CLICOLOR_FORCE", "TMUX",
		"XDG_STATE_HOME", "XDG_CONFIG_HOME":
		return false
	}
	return !strings.HasPrefix(name, "OPSDECK_")
}

// readOutput feeds everything the program writes to the emulator.
func (c *Console) readOutput() {
	defer close(c.drained)
	buf := make([]byte, 32<<10)
	for {
		n, err := c.pty.Read(buf)
		if n > 0 {
			c.cells.Lock()
			_, _ = c.emu.Write(buf[:n])
			c.cells.Unlock()
		}
		if err != nil {
			return // EIO once the program and its children have exited
		}
	}
}

// writeInput sends the emulator's output towards the program: its answers
// to the program's terminal queries (cursor position, device attributes,
// mode reports) and the keys the test types. A program that asks and gets
// no answer waits for one, as it would on a terminal that hangs; and the
// emulator blocks on a reply nobody reads, so this loop must run for as
// long as the emulator is written to.
func (c *Console) writeInput() {
	buf := make([]byte, 4096)
	broken := false
	for {
		n, err := c.emu.Read(buf)
		if n > 0 && !broken {
			if _, werr := c.pty.Write(buf[:n]); werr != nil {
				broken = true // the program is gone; keep draining
			}
		}
		if err != nil {
			return
		}
	}
}

// Screen is the emulated screen as plain text, trailing blanks trimmed.
func (c *Console) Screen() string { return plain(c.emu.Render()) }

// Resize changes the terminal's size: the emulator first, so the redraw
// the program makes on SIGWINCH lands on a screen of the new size.
func (c *Console) Resize(w, h int) {
	c.t.Helper()
	c.emu.Resize(w, h)
	if err := pty.Setsize(c.pty, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		c.t.Fatalf("resize to %dx%d: %v", w, h, err)
	}
}

// Wait waits up to d for the program to exit and for all it wrote to be on
// the screen, and returns its exit error (nil for status 0). A data race
// in a -race build comes back as an error saying so.
func (c *Console) Wait(d time.Duration) error {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	select {
	case <-c.exited:
	case <-deadline.C:
		return fmt.Errorf("%s did not exit within %v", c.name, d)
	}
	select {
	case <-c.drained:
	case <-deadline.C:
		return fmt.Errorf("%s exited but its output did not end within %v", c.name, d)
	}
	return c.describeExit()
}

// describeExit explains the exit error; call it after exited is closed.
func (c *Console) describeExit() error {
	err := c.exitErr
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee) && ee.ExitCode() == raceExitCode:
		return fmt.Errorf("%s found a data race (exit status %d); its stderr:\n%s", c.name, raceExitCode, c.stderr.String())
	}
	if s := c.stderr.String(); s != "" {
		return fmt.Errorf("%s: %w; its stderr:\n%s", c.name, err, s)
	}
	return fmt.Errorf("%s: %w", c.name, err)
}

// Quit presses q and returns the exit error once the program is gone.
func (c *Console) Quit() error {
	c.t.Helper()
	c.Keys("q")
	return c.Wait(ConsoleWait)
}

// Kill ends the program's process group at once and waits for it.
func (c *Console) Kill() {
	select {
	case <-c.exited:
		return // its pid may name another process by now
	default:
	}
	c.killed = true
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	<-c.exited
}

// Stderr is what the program wrote to its standard error so far.
func (c *Console) Stderr() string { return c.stderr.String() }

// cleanup stops the program if it still runs, reports a crash or data
// race that the test did not wait for, and shows the last screen of a
// failed test.
func (c *Console) cleanup() {
	select {
	case <-c.exited:
		if !c.killed {
			if err := c.describeExit(); err != nil {
				c.t.Errorf("%v", err)
			}
		}
	default:
		c.Kill()
	}
	// The last frames are on their way: let them reach the screen (for
	// the log below) unless something else holds the pty open.
	select {
	case <-c.drained:
	case <-time.After(5 * time.Second):
	}
	_ = c.pty.Close()
	<-c.drained
	_ = c.keyIn.Close() // ends writeInput
	if c.t.Failed() {
		c.t.Logf("last screen:\n%s", c.Screen())
		if s := c.stderr.String(); s != "" {
			c.t.Logf("%s's stderr:\n%s", c.name, s)
		}
	}
}

// plain is a rendered screen as text: styles stripped, trailing blanks of
// every line and trailing empty lines removed.
func plain(rendered string) string {
	lines := strings.Split(ansi.Strip(rendered), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// syncBuffer is a bytes.Buffer the exec package writes from its own
// goroutine while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
