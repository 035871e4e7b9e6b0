//go:build unix

// Package e2e runs the opsdeck binary as a person does, on a terminal (a
// pty and an emulator: tuitest.Console), on the demo fleet: no flags, a
// fresh state directory, no test bed. It sees what tests feeding messages
// to the model cannot: which screen a reply reaches when real goroutines
// deliver it, at the GOMAXPROCS the binary picks for itself.
package e2e

import (
	"fmt"
	"os"
	"regexp"
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

func run(m *testing.M) int {
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

// eachTerminal runs f on a freshly started console at 80x24 and 160x48,
// each with the binary's own GOMAXPROCS (the console picks one P unless
// the environment says otherwise: what a person gets) and with
// GOMAXPROCS=4, where goroutines deliver replies in other orders.
func eachTerminal(t *testing.T, f func(t *testing.T, c *tuitest.Console)) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, procs := range []string{"", "4"} {
			name := fmt.Sprintf("%dx%d/own-GOMAXPROCS", size[0], size[1])
			var env []string
			if procs != "" {
				name = fmt.Sprintf("%dx%d/GOMAXPROCS=%s", size[0], size[1], procs)
				env = []string{"GOMAXPROCS=" + procs}
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: size[0], Height: size[1], Env: env})
				c.WaitFor("SYSTEM HEALTH OVERVIEW")
				f(t, c)
			})
		}
	}
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
