//go:build unix

// Package e2e runs the opsdeck binary as a person does, on a terminal (a
// pty and an emulator: tuitest.Console), on the demo fleet: no flags, a
// fresh state directory, no test bed. It sees what tests feeding messages
// to the model cannot: which screen a reply reaches when real goroutines
// deliver it, at the GOMAXPROCS the binary picks for itself.
package e2e

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// opsdeck is the binary under test, built once by TestMain.
var opsdeck string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// consolesAtOnce is how many tests run their consoles at the same time
// unless -test.parallel says otherwise. A console spends its test waiting
// for a person's keys (40-80 ms apart) and for what it draws, not on the
// CPU: the package used 30 s of CPU in 225 s at the default of one test
// per core (2 here), while waiting is what takes the time.
const consolesAtOnce = 8

// parallelByDefault sets -test.parallel to consolesAtOnce unless the
// command line set it.
func parallelByDefault() error {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if set {
		return nil
	}
	return flag.Set("test.parallel", strconv.Itoa(consolesAtOnce))
}

func run(m *testing.M) int {
	if err := parallelByDefault(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "opsdeck-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if opsdeck, err = tuitest.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build opsdeck:", err)
		return 1
	}
	return m.Run()
}

// terminal is one of the terminals every test runs on: a size, and the
// environment that sets GOMAXPROCS or leaves the binary its own.
type terminal struct {
	w, h int
	env  []string
}

// start runs opsdeck on this terminal with o's other options (arguments,
// directories) and waits for its first screen.
func (v terminal) start(t *testing.T, o tuitest.Options) *tuitest.Console {
	t.Helper()
	o.Width, o.Height = v.w, v.h
	o.Env = append(append([]string(nil), v.env...), o.Env...)
	c := tuitest.StartConsole(t, opsdeck, o)
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	return c
}

// eachVariant runs f, in parallel, for 80x24 and 160x48, each with the
// binary's own GOMAXPROCS (the console picks one P unless the environment
// says otherwise: what a person gets) and with GOMAXPROCS=4, where
// goroutines deliver replies in other orders. f starts its own consoles.
// The test itself runs in parallel with the package's others: its
// variants then share -test.parallel with theirs.
func eachVariant(t *testing.T, f func(t *testing.T, v terminal)) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, procs := range []string{"", "4"} {
			v := terminal{w: size[0], h: size[1]}
			name := fmt.Sprintf("%dx%d/own-GOMAXPROCS", size[0], size[1])
			if procs != "" {
				name = fmt.Sprintf("%dx%d/GOMAXPROCS=%s", size[0], size[1], procs)
				v.env = []string{"GOMAXPROCS=" + procs}
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, v)
			})
		}
	}
}

// eachTerminalWith runs f on a console started with o (size and GOMAXPROCS
// set per variant) on its first screen, once for each variant.
func eachTerminalWith(t *testing.T, o tuitest.Options, f func(t *testing.T, c *tuitest.Console)) {
	eachVariant(t, func(t *testing.T, v terminal) { f(t, v.start(t, o)) })
}

// eachTerminal runs f on the demo fleet with no flags, for each variant.
func eachTerminal(t *testing.T, f func(t *testing.T, c *tuitest.Console)) {
	eachTerminalWith(t, tuitest.Options{}, f)
}

// headerClockRE finds the clock at the right of the header's first line.
var headerClockRE = regexp.MustCompile(`(\d\d:\d\d:\d\d) UTC`)

// headerClock is the time the console's header shows, on the date that
// puts it within 12 hours of now.
func headerClock(screen string) (time.Time, bool) {
	first, _, _ := strings.Cut(screen, "\n")
	m := headerClockRE.FindStringSubmatch(first)
	if m == nil {
		return time.Time{}, false
	}
	tod, err := time.Parse("15:04:05", m[1])
	if err != nil {
		return time.Time{}, false
	}
	now := time.Now().UTC()
	at := time.Date(now.Year(), now.Month(), now.Day(), tod.Hour(), tod.Minute(), tod.Second(), 0, time.UTC)
	switch d := at.Sub(now); {
	case d > 12*time.Hour:
		at = at.Add(-24 * time.Hour)
	case d < -12*time.Hour:
		at = at.Add(24 * time.Hour)
	}
	return at, true
}

// waitClockReaches waits until the header's clock shows at or later: the
// console's own sense of time, not a sleep in the test.
func waitClockReaches(t *testing.T, c *tuitest.Console, at time.Time) {
	t.Helper()
	c.Until("the header clock at "+at.Format("15:04:05"), time.Until(at)+tuitest.ConsoleWait, func(s string) bool {
		shown, ok := headerClock(s)
		return ok && !shown.Before(at)
	})
}

// configFile writes body as a config file of the test's own and returns
// its path.
func configFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
