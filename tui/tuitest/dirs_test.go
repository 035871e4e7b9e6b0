//go:build unix

package tuitest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

var probeDirsRE = regexp.MustCompile(`dirs cwd="([^"]*)" state="([^"]*)"`)

// wide fits the probe's line of directories on one row.
const wide = 300

// probeDirs is the working and state directory the probe says it has.
func probeDirs(t *testing.T, c *Console) (cwd, state string) {
	t.Helper()
	m := c.WaitMatch(probeDirsRE)
	return m[1], m[2]
}

// Unless told otherwise, each console runs in a fresh working directory
// (not the test's package directory, where an export would land in the
// source tree) with a fresh state directory, and says which.
func TestConsoleFreshDirs(t *testing.T) {
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	a, b := startProbe(t, Options{Width: wide, Height: 24}), startProbe(t, Options{Width: wide, Height: 24})
	cwdA, stateA := probeDirs(t, a)
	cwdB, stateB := probeDirs(t, b)
	switch {
	case cwdA == here:
		t.Errorf("the console runs in the test's directory %s", here)
	case cwdA != a.Dir() || stateA != a.StateHome():
		t.Errorf("the probe has cwd %s, state %s; the console says %s, %s", cwdA, stateA, a.Dir(), a.StateHome())
	case cwdA == cwdB || stateA == stateB:
		t.Errorf("two consoles share a directory: cwd %s and %s, state %s and %s", cwdA, cwdB, stateA, stateB)
	}
	if fi, err := os.Stat(cwdA); err != nil || !fi.IsDir() {
		t.Errorf("working directory %s: %v", cwdA, err)
	}
}

// Options.StateHome and Options.Dir are the child's: two consoles given
// one state directory share it.
func TestConsoleGivenDirs(t *testing.T) {
	state, dir := filepath.Join(t.TempDir(), "shared-state"), t.TempDir()
	for i := range 2 {
		c := startProbe(t, Options{Width: wide, Height: 24, StateHome: state, Dir: dir})
		cwd, st := probeDirs(t, c)
		if cwd != dir || st != state || c.Dir() != dir || c.StateHome() != state {
			t.Errorf("console %d: probe cwd %s state %s, console %s %s; want %s %s", i, cwd, st, c.Dir(), c.StateHome(), dir, state)
		}
	}
}

// Pause holds the next key back for at least its time, and no more than
// the pace adds.
func TestConsolePause(t *testing.T) {
	c := startProbe(t, Options{})
	c.Keys("a")
	const pause = 300 * time.Millisecond
	c.Pause(pause)
	start := time.Now()
	c.Keys("b")
	if took := time.Since(start); took < pause {
		t.Errorf("the key after Pause(%v) went after %v", pause, took)
	}
	c.Until(fmt.Sprintf("%q typed", "ab"), ConsoleWait, func(s string) bool { return typed(s) == "ab" })
}
