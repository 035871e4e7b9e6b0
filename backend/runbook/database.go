package runbook

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// DatabaseSpec says where a database's dumps are and how to restore and
// query it on its host.
type DatabaseSpec struct {
	Name    string // the database, as Action.Target and {database}
	Host    string // key of RestoreExecutor.Hosts
	DumpDir string // absolute directory holding the dumps
	Pattern string // find -name pattern of dump files; default "*.dump"
	// BinDir is where pg_restore and psql are on the host, for the default
	// Restore and Psql (e.g. /usr/lib/postgresql/15/bin); "" uses $PATH.
	BinDir string
	// Conn are connection arguments added to the default Restore and
	// Psql, e.g. ["-h", "127.0.0.1", "-p", "15432", "-U", "postgres"].
	Conn []string
	// Env are NAME=value pairs set with env(1) for both commands (e.g.
	// PGPASSFILE=/root/.pgpass). Values of names that look secret
	// (PASSWORD, TOKEN, ...) are shown as *** in plans and the audit log.
	Env []string
	// Restore is the restore argv with {database} and {dump}; default
	// pg_restore --clean --if-exists --no-owner <Conn> -d {database} {dump}.
	Restore []string
	// Psql runs one query with {database} and {sql}, printing rows one a
	// line; default psql -X -q -A -t -v ON_ERROR_STOP=1 <Conn> -d {database} -c {sql}.
	Psql      []string
	Integrity []IntegrityCheck
	Timeout   time.Duration // of the restore command; default DefaultRestoreTimeout
}

// IntegrityCheck is a query run after a restore.
type IntegrityCheck struct {
	Name string
	SQL  string
	// Expect is the exact single value the query must return; empty: any
	// result of at least one row without error.
	Expect string
}

const (
	// DefaultRestoreTimeout bounds a restore whose spec names none.
	DefaultRestoreTimeout = 30 * time.Minute
	// checkTimeout bounds each integrity query.
	checkTimeout   = 2 * time.Minute
	defaultPattern = "*.dump"
)

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (d DatabaseSpec) pattern() string {
	if d.Pattern == "" {
		return defaultPattern
	}
	return d.Pattern
}

func (d DatabaseSpec) dumpDir() string { return path.Clean(d.DumpDir) }

func (d DatabaseSpec) timeout() time.Duration {
	if d.Timeout <= 0 {
		return DefaultRestoreTimeout
	}
	return d.Timeout
}

func (d DatabaseSpec) bin(name string) string {
	if d.BinDir == "" {
		return name
	}
	return path.Join(d.BinDir, name)
}

// restoreArgv is the restore command with placeholders still in it.
func (d DatabaseSpec) restoreArgv() []string {
	if len(d.Restore) > 0 {
		return d.Restore
	}
	argv := []string{d.bin("pg_restore"), "--clean", "--if-exists", "--no-owner"}
	argv = append(argv, d.Conn...)
	return append(argv, "-d", "{"+PhDatabase+"}", "{"+PhDump+"}")
}

func (d DatabaseSpec) psqlArgv() []string {
	if len(d.Psql) > 0 {
		return d.Psql
	}
	argv := []string{d.bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"}
	argv = append(argv, d.Conn...)
	return append(argv, "-d", "{"+PhDatabase+"}", "-c", "{"+phSQL+"}")
}

// withEnv prefixes argv with env(1) and the configured variables.
func (d DatabaseSpec) withEnv(argv []string) []string {
	if len(d.Env) == 0 {
		return argv
	}
	out := append([]string{"env"}, d.Env...)
	return append(out, argv...)
}

// shown renders argv for a plan step and the audit log, masking the
// values of secret-looking environment variables.
func (d DatabaseSpec) shown(argv []string) string {
	masked := make([]string, len(argv))
	copy(masked, argv)
	if len(d.Env) > 0 && len(argv) > len(d.Env) && argv[0] == "env" {
		for i, kv := range d.Env {
			k, _, _ := strings.Cut(kv, "=")
			if secretName(k) {
				masked[i+1] = k + "=***"
			}
		}
	}
	return ssh.QuoteArgv(masked)
}

func secretName(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"password", "passwd", "secret", "token", "key", "credential", "auth"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// check validates one database's configuration.
func (d DatabaseSpec) check(hosts map[string]ssh.Host) error {
	if !backend.ValidIdent(d.Name) {
		return fmt.Errorf("database %q: not a plain name", d.Name)
	}
	var errs []error
	if _, err := lookupHost(hosts, d.Host); err != nil {
		errs = append(errs, err)
	}
	if why := backend.RemotePathProblem(d.dumpDir(), false); d.DumpDir == "" || why != "" {
		// Its dumps could never be offered: say which element and why.
		errs = append(errs, fmt.Errorf("dump_dir %q %s", d.DumpDir, why))
	}
	if p := d.pattern(); strings.ContainsAny(p, "/\x00\n") {
		errs = append(errs, fmt.Errorf("pattern %q must be a file name pattern", p))
	}
	for _, kv := range d.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || !envNameRE.MatchString(k) {
			errs = append(errs, fmt.Errorf("env %q: want NAME=value", k))
		}
	}
	if err := checkPlaceholders(d.restoreArgv(), PhDatabase, PhDump); err != nil {
		errs = append(errs, fmt.Errorf("restore: %w", err))
	}
	if err := checkPlaceholders(d.psqlArgv(), PhDatabase, phSQL); err != nil {
		errs = append(errs, fmt.Errorf("psql: %w", err))
	}
	seen := map[string]bool{}
	for _, c := range d.Integrity {
		if !backend.ValidIdent(c.Name) || seen[c.Name] {
			errs = append(errs, fmt.Errorf("integrity check %q: needs a unique plain name", c.Name))
		}
		seen[c.Name] = true
		if strings.TrimSpace(c.SQL) == "" || strings.IndexByte(c.SQL, 0) >= 0 {
			errs = append(errs, fmt.Errorf("integrity check %s: empty SQL", c.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("database %s: %w", d.Name, err)
	}
	return nil
}
