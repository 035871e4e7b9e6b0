//go:build unix

package tuitest

import (
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/term"
)

// The driver's tests run this test binary itself as the program on the
// pty (TestMain turns it into probe when the variable is set): a program
// small enough that each test knows what it must see.
const probeEnv = "TUITEST_PROBE"

func TestMain(m *testing.M) {
	if os.Getenv(probeEnv) == "1" {
		os.Exit(probe())
	}
	os.Exit(m.Run())
}

// probe is a full-screen terminal program: raw mode and the alternate
// screen, a cursor position and a device attributes query that it waits
// for the terminal to answer, its size on start and on every SIGWINCH,
// every input read echoed as "got …". q leaves as a program should; k
// leaves without restoring anything; r exits 66 with a race report, as a
// -race build halting on a race does.
func probe() int {
	in, out := os.Stdin, os.Stdout
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe: raw mode:", err)
		return 1
	}
	var mu sync.Mutex
	say := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, format+"\r\n", a...)
	}
	size := func() {
		if w, h, err := term.GetSize(out.Fd()); err == nil {
			say("size %dx%d", w, h)
		}
	}
	fmt.Fprint(out, "\x1b[?1049h\x1b[?25l\x1b[H")
	fmt.Fprint(out, "\x1b[6n\x1b[c")
	buf := make([]byte, 256)
	var reply string
	for !regexp.MustCompile(`\x1b\[\d+;\d+R`).MatchString(reply) || !strings.HasSuffix(reply, "c") {
		n, err := in.Read(buf)
		if err != nil {
			return 1
		}
		reply += string(buf[:n])
	}
	say("replies %q", reply)
	say("env GOMAXPROCS=%q TERM=%q HOME=%q state=%t", os.Getenv("GOMAXPROCS"), os.Getenv("TERM"), os.Getenv("HOME"),
		strings.HasPrefix(os.Getenv("XDG_STATE_HOME"), os.TempDir()))
	wd, _ := os.Getwd()
	say("dirs cwd=%q state=%q", wd, os.Getenv("XDG_STATE_HOME"))
	size()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			size()
		}
	}()
	for {
		n, err := in.Read(buf)
		if err != nil {
			return 1
		}
		got := string(buf[:n])
		say("got %q", got)
		switch got {
		case "q":
			fmt.Fprint(out, "\x1b[?1049l\x1b[?25h")
			_ = term.Restore(in.Fd(), state)
			return 0
		case "k":
			return 0
		case "r":
			fmt.Fprintln(os.Stderr, "WARNING: DATA RACE")
			return raceExitCode
		}
	}
}

func startProbe(t testing.TB, o Options) *Console {
	t.Helper()
	o.Env = append(o.Env, probeEnv+"=1")
	c := StartConsole(t, os.Args[0], o)
	c.WaitMatch(regexp.MustCompile(`size \d+x\d+`))
	return c
}

// The emulator answers what the program asks the terminal, and keys reach
// the program as the bytes a terminal sends. The program gets its own
// environment: not the test's GOMAXPROCS or TERM, a state directory of
// the test's, the same HOME.
func TestConsoleAnswersQueriesAndTypes(t *testing.T) {
	t.Setenv("GOMAXPROCS", "3")
	t.Setenv("TERM", "dumb")
	c := startProbe(t, Options{})
	c.WaitMatch(regexp.MustCompile(`replies "\\x1b\[\d+;\d+R\\x1b\[\?[\d;]+c"`))
	c.WaitFor(fmt.Sprintf(`env GOMAXPROCS="" TERM="xterm-256color" HOME=%q state=true`, os.Getenv("HOME")))
	c.WaitFor("size 80x24")
	c.Keys("enter", "esc", "ctrl+c", "up", "x")
	c.Type("hé")
	want := "\r\x1b\x03\x1b[Ax" + "hé"
	c.Until(fmt.Sprintf("%q typed", want), ConsoleWait, func(s string) bool { return typed(s) == want })
}

// typed is every "got" of the probe's screen joined: the bytes it read,
// however the reads split them.
func typed(screen string) string {
	var all strings.Builder
	for _, m := range regexp.MustCompile(`got ("(?:[^"\\]|\\.)*")`).FindAllStringSubmatch(screen, -1) {
		var s string
		if _, err := fmt.Sscanf(m[1], "%q", &s); err == nil {
			all.WriteString(s)
		}
	}
	return all.String()
}

// Resize changes the pty's size (the program gets SIGWINCH and reads the
// new one) and the emulator's.
func TestConsoleResize(t *testing.T) {
	c := startProbe(t, Options{Width: 100, Height: 30})
	c.WaitFor("size 100x30")
	c.Resize(132, 40)
	c.WaitFor("size 132x40")
	if w, h := c.emu.Width(), c.emu.Height(); w != 132 || h != 40 {
		t.Fatalf("emulator is %dx%d, want 132x40", w, h)
	}
}

// Quit waits for a clean exit; Restored tells a program that gives the
// terminal back from one that leaves it in raw mode on the alternate
// screen.
func TestConsoleQuitAndRestored(t *testing.T) {
	c := startProbe(t, Options{Env: []string{"GOMAXPROCS=4"}})
	c.WaitFor(`env GOMAXPROCS="4"`) // Options.Env may set it
	if err := c.Quit(); err != nil {
		t.Fatalf("quit: %v", err)
	}
	if err := c.Restored(); err != nil {
		t.Fatalf("after q: %v", err)
	}

	c = startProbe(t, Options{})
	c.Keys("k")
	if err := c.Wait(ConsoleWait); err != nil {
		t.Fatalf("k: %v", err)
	}
	err := c.Restored()
	if err == nil || !strings.Contains(err.Error(), "alternate screen") || !strings.Contains(err.Error(), "raw mode") {
		t.Fatalf("after k: Restored() = %v, want the alternate screen and raw mode named", err)
	}
}

// A program that exits with the race detector's status fails the wait
// that was looking at its screen, at once and saying why, with its
// stderr; one that does so unwaited fails the test when it ends.
func TestConsoleReportsADataRace(t *testing.T) {
	rec := &recorder{TB: t}
	start := time.Now()
	rec.run(func() {
		c := startProbe(rec, Options{})
		c.Keys("r")
		c.WaitFor("never on screen")
	})
	if took := time.Since(start); took > ConsoleWait/2 {
		t.Errorf("the wait ran %v after the program had exited", took)
	}
	if !rec.fataled || !strings.Contains(rec.String(), "data race") || !strings.Contains(rec.String(), "WARNING: DATA RACE") {
		t.Errorf("wait failure does not name the race and its report:\n%s", rec)
	}

	unwaited := &recorder{TB: t}
	// Cleanups run last first: this one checks the console's.
	t.Cleanup(func() {
		if !unwaited.Failed() || !strings.Contains(unwaited.String(), "data race") {
			t.Errorf("an unwaited race exit did not fail the test:\n%s", unwaited)
		}
	})
	unwaited.run(func() {
		c := startProbe(unwaited, Options{})
		c.Keys("r")
		c.WaitMatch(regexp.MustCompile(`got "r"`))
		// The probe prints that line just before it exits: be sure it has
		// exited, without asking the console for its exit, so what is
		// tested is the cleanup's look at an exit nobody waited for (it
		// killed a probe still on its way out 2 times in 6).
		select {
		case <-c.exited:
		case <-time.After(ConsoleWait):
			t.Fatal("the probe did not exit after r")
		}
	})
}

// recorder is a test whose failures are recorded instead of reported, so
// a test can check that the driver fails and how.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	msgs    []string
	failed  bool
	fataled bool
}

// run runs f on a goroutine of its own, where Fatal may end it.
func (r *recorder) run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func (r *recorder) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, a...))
}

func (r *recorder) Fatalf(format string, a ...any) {
	r.Errorf(format, a...)
	r.mu.Lock()
	r.fataled = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Fatal(a ...any) { r.Fatalf("%s", fmt.Sprint(a...)) }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.msgs, "\n")
}
