//go:build unix && integration

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// The databases' detail on the binary against the test bed: psql run over
// the real sshd reads the real PostgreSQL, where this test ran a slow
// statement of its own and holds a session idle in a transaction; 6,
// the database, enter, and both are on screen.
func TestDatabaseDetailOnTestBed(t *testing.T) {
	env := testbed.Need(t, testbed.PromURL, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts)
	testbed.Loopback(t, env[testbed.SSHAddr])
	testbed.Loopback(t, strings.TrimPrefix(env[testbed.PromURL], "http://"))
	pg := testbed.NeedPG(t)
	// One load for every terminal: the pool of the shared bed is small.
	tok := testbed.Token("e2e_slow_")
	// The shared bed keeps every earlier run's statements, as slow as
	// this one: start manacore's from nothing (only this test uses that
	// database; the pgstat tests use chat), as on a fresh bed.
	pg.Exec(t, "manacore", testbed.Token("reset_"),
		"SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = 'manacore'), 0)")
	slow := "WITH " + tok + " AS (SELECT 1) SELECT pg_sleep(1.5) FROM " + tok
	for range 2 {
		pg.Exec(t, "manacore", tok, slow)
	}
	idle := testbed.Token("i")
	pg.Hold(t, "manacore", idle, "BEGIN; SELECT 1;", "idle in transaction")

	body := fmt.Sprintf(`environment: testbed
projects:
  - name: chat
    services: [{component: backend, name: chat-backend}]
databases:
  - name: manacore
    host: tb-db
    psql: {bin_dir: %s, host: %s, port: %s, user: %s}
sources:
  prometheus: {url: %q, service_label: service}
  ssh:
    known_hosts: %s
    identity_files: [%s]
    hosts: [{name: tb-db, addr: %q, user: %s}]
`, testbed.PGBin, pg.Host, pg.Port, pg.User, env[testbed.PromURL], env[testbed.SSHKnownHosts], env[testbed.SSHKey], env[testbed.SSHAddr], env[testbed.SSHUser])
	cfg := configFile(t, body)
	eachTerminalWith(t, tuitest.Options{Args: []string{"--config", cfg}}, func(t *testing.T, c *tuitest.Console) {
		c.Keys("6")
		c.Until("manacore's row", 30*time.Second, func(s string) bool { return rowOf(s, "manacore") != "" })
		c.Keys("enter")
		c.WaitFor("▸ SLOW QUERIES")
		// Find this run's statement as a person would, with the filter.
		c.Keys("/")
		c.Type(tok)
		c.WaitFor("/" + tok)
		c.Keys("enter")
		// The session's row, among the lines naming it (the groups do too).
		sessionRow := func(s string) string {
			for _, l := range strings.Split(s, "\n") {
				if strings.Contains(l, idle) && strings.Contains(l, "⚠ idle in tx") {
					return l
				}
			}
			return ""
		}
		c.Until("the slow statement and the idle session", 30*time.Second, func(s string) bool {
			return sessionRow(s) != "" && strings.Contains(s, "WITH "+tok)
		})
		s := c.Screen()
		if row := strings.Fields(sessionRow(s)); len(row) < 7 || row[6] != idle || !strings.HasSuffix(row[5], "s") {
			t.Errorf("the idle session's row %q: want pid, ⚠ idle in tx, its age, %s", sessionRow(s), idle)
		}
		if !strings.Contains(s, "DATABASE MANACORE") || !strings.Contains(s, "psql on tb-db (") || !strings.Contains(s, "⚠ 1 idle in transaction") {
			t.Errorf("the detail lacks its title, source or warning:\n%s", s)
		}
		// The statement with its mean (1.5 s) and its two calls.
		var stmt string
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "WITH "+tok) && !strings.HasPrefix(l, "›") {
				stmt = l
			}
		}
		if f := strings.Fields(stmt); len(f) < 3 || f[0] != "1.5" || f[1] != "s" || f[2] != "2" {
			t.Errorf("statement row %q: want mean 1.5 s, 2 calls", stmt)
		}
		c.Keys("esc") // clears the filter
		c.WaitGone("filter: " + tok)
		c.Keys("esc")
		c.WaitFor("DATABASE PERFORMANCE")
	})
}
