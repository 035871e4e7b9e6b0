//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// demoConfig writes the embedded demo fleet's config with each pair of
// edits (old, new) applied, and returns the options that start the
// console on it: the demo degraded the way a test needs.
func demoConfig(t *testing.T, edits ...string) tuitest.Options {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleDir(t), "backend", "config", "default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(text, edits[i]) {
			t.Fatalf("the demo config has no %q to edit", edits[i])
		}
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return tuitest.Options{Args: []string{"--config", path}}
}

// tableRow is the line of screen that starts with name, "" if none.
func tableRow(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}

// waitRow waits until the row of name holds every one of parts.
func waitRow(t *testing.T, c *tuitest.Console, name string, parts ...string) {
	t.Helper()
	c.Until("the row of "+name+" with "+strings.Join(parts, ", "), tuitest.ConsoleWait, func(s string) bool {
		r := tableRow(s, name)
		for _, p := range parts {
			if !strings.Contains(r, p) {
				return false
			}
		}
		return r != ""
	})
}
