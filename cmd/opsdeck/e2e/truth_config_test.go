//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// brokenConfig has one problem of each kind the loader used to stop at or
// let through: a quoted number, a key given twice, a value of the wrong
// kind (after which the decoder gave up), a quoted boolean, and a mistake
// only the builder sees, past all of them.
const brokenConfig = `environment: production
thresholds:
  memory_pct: "80"
projects:
  - name: chat
    services:
      - component: backend
        component: web
  - name: notes
    services: {component: backend}
sources:
  simulator:
    seed: 7
    interval: fast
  ssh:
    known_hosts: /etc/ssh/ssh_known_hosts
    agent: "true"
`

// brokenProblems are brokenConfig's problems as the binary prints them
// after the file's path, in file order.
var brokenProblems = []string{
	`:3:15: thresholds.memory_pct: "80" is a string; write 80 without quotes`,
	`:8:9: duplicate key "component" in projects[0].services[0]: already defined at [7:9]; give each key once`,
	`:10:15: projects[1].services: expected a list, got a mapping`,
	`:14:15: interval: "fast" is not a duration; write a number with a unit, e.g. 500ms, 2s or 1m`,
	`:17:12: sources.ssh.agent: "true" is a string; write true without quotes`,
}

// opsdeck config validate prints every problem of a file, each at its
// line and column, and the console refuses to start on it with the same
// list: both exit 2. Before, validate stopped at the key given twice (and
// so at the first problem), and the console named only the first.
func TestConfigProblemsAllPrinted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(brokenConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, p := range brokenProblems {
		want += path + p + "\n"
	}
	r := runOpsdeck(t, nil, "config", "validate", path)
	if r.code != 2 || r.stdout != "" || r.stderr != want+path+": 5 problems\n" {
		t.Errorf("config validate: exit %d, stdout %q, stderr:\n%s\nwant:\n%s%s: 5 problems", r.code, r.stdout, r.stderr, want, path)
	}
	// The console's start, and the one-shot commands, load it the same way.
	for _, args := range [][]string{{"--config", path}, {"status", "--config", path}} {
		r := runOpsdeck(t, nil, args...)
		if r.code != 2 || r.stdout != "" || r.stderr != want {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant:\n%s", args, r.code, r.stdout, r.stderr, want)
		}
	}
}

// A flag whose value cannot be meant is a usage error, exit 2, naming the
// flag and what it takes; before, check --timeout 0s passed every check
// on the demo fleet, and --json quietly beat --format table.
func TestFlagMistakesAreUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", "--timeout", "0s"}, "opsdeck: --timeout 0s: must be more than 0\n"},
		{[]string{"check", "--timeout", "-1s"}, "opsdeck: --timeout -1s: must be more than 0\n"},
		{[]string{"status", "--json", "--format", "table"}, "opsdeck: --json and --format table: choose one\n"},
		{[]string{"serve", "--idle-timeout", "-5m"}, "opsdeck: --idle-timeout -5m0s: must be 0 (never) or more\n"},
	}
	for _, c := range cases {
		r := runOpsdeck(t, nil, c.args...)
		if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, c.want) || !strings.Contains(r.stderr, "--help' for usage.") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
	}
	// What is meant still works: --json with --format json.
	if r := runOpsdeck(t, nil, "status", "--json", "--format", "json"); r.code != 1 || !strings.Contains(r.stdout, `"schema_version": 1`) {
		t.Errorf("status --json --format json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
