//go:build unix

package tuitest

import (
	"os"
	"path/filepath"
	"testing"
)

// consoleDirs is the child's XDG_STATE_HOME and working directory: the
// ones Options names, else fresh ones under tmp. A working directory of
// its own keeps the files a console writes (exports, reports) out of the
// test's package directory, which a child would otherwise inherit.
func consoleDirs(t testing.TB, tmp string, o Options) (stateHome, dir string) {
	t.Helper()
	stateHome, dir = o.StateHome, o.Dir
	if stateHome == "" {
		stateHome = filepath.Join(tmp, "state")
	}
	if dir == "" {
		dir = filepath.Join(tmp, "cwd")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatalf("console working directory: %v", err)
		}
	}
	return stateHome, dir
}

// StateHome is the program's XDG_STATE_HOME: opsdeck keeps its audit log
// and incidents under StateHome()/opsdeck.
func (c *Console) StateHome() string { return c.stateHome }

// Dir is the program's working directory.
func (c *Console) Dir() string { return c.dir }
