package pgstat

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// Runner runs a remote command; *ssh.Client is the real one.
type Runner interface {
	Run(ctx context.Context, h ssh.Host, cmd ssh.Command, out func(ssh.Line)) (ssh.Result, error)
}

var _ Runner = (*ssh.Client)(nil)

// Spec is how one database is reached: psql on Host (over SSH) with the
// connection parameters psql takes. Empty fields are left to psql's
// defaults (the local socket, the login user).
type Spec struct {
	Database string // opsdeck's name for it (the row of the databases screen)
	Host     string // key of Inspector.Hosts
	BinDir   string // where psql is, "" for $PATH
	PGHost   string // -h: address or socket directory
	Port     int    // -p, 0 for the default
	User     string // -U
	DBName   string // -d, the database inspected; default Database
	// PassFile is PGPASSFILE on the host, for a password login: the
	// password never passes through opsdeck.
	PassFile string
	// Timeout is the statement_timeout of each query; DefaultTimeout when 0.
	Timeout time.Duration
}

// Defaults.
const (
	DefaultTimeout = 5 * time.Second
	// DefaultStatements is how many top statements are read.
	DefaultStatements = 20
	// connectTimeout is PGCONNECT_TIMEOUT, in seconds.
	connectTimeout = 5
	// appName is how opsdeck's sessions show in pg_stat_activity.
	appName = "opsdeck"
)

func (s Spec) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

func (s Spec) dbname() string {
	if s.DBName == "" {
		return s.Database
	}
	return s.DBName
}

// Check reports what makes the spec unusable; hosts are the known SSH
// hosts. Values are quoted anyway: these rules keep psql from reading a
// value as something else (a -d with '=' is a connection string, a
// leading '-' an option).
func (s Spec) Check(hosts map[string]ssh.Host) error {
	var errs []error
	if h, ok := hosts[s.Host]; !ok || h.Addr == "" {
		errs = append(errs, fmt.Errorf("host %q is not configured", s.Host))
	}
	if !backend.ValidIdent(s.dbname()) {
		errs = append(errs, fmt.Errorf("dbname %q: not a plain name", s.dbname()))
	}
	if s.User != "" && !backend.ValidIdent(s.User) {
		errs = append(errs, fmt.Errorf("user %q: not a plain name", s.User))
	}
	if s.PGHost != "" && (strings.HasPrefix(s.PGHost, "-") || strings.ContainsAny(s.PGHost, " =\x00\n")) {
		errs = append(errs, fmt.Errorf("host %q: not an address or a socket directory", s.PGHost))
	}
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d: out of range", s.Port))
	}
	for what, p := range map[string]string{"bin_dir": s.BinDir, "passfile": s.PassFile} {
		if p != "" && !path.IsAbs(p) {
			errs = append(errs, fmt.Errorf("%s %q: not an absolute path", what, p))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("database %s: %w", s.Database, err)
	}
	return nil
}

// Argv is the psql command that runs sqls in one read-only transaction
// with the spec's statement timeout, printing one record a line.
func (s Spec) Argv(sqls ...string) []string {
	argv := []string{"env", "PGAPPNAME=" + appName, "PGCONNECT_TIMEOUT=" + strconv.Itoa(connectTimeout)}
	if s.PassFile != "" {
		argv = append(argv, "PGPASSFILE="+s.PassFile)
	}
	bin := "psql"
	if s.BinDir != "" {
		bin = path.Join(s.BinDir, "psql")
	}
	argv = append(argv, bin, "-X", "-q", "-w", "-A", "-t", "-F", sep, "-v", "ON_ERROR_STOP=1", "--single-transaction")
	if s.PGHost != "" {
		argv = append(argv, "-h", s.PGHost)
	}
	if s.Port != 0 {
		argv = append(argv, "-p", strconv.Itoa(s.Port))
	}
	if s.User != "" {
		argv = append(argv, "-U", s.User)
	}
	argv = append(argv, "-d", s.dbname(),
		"-c", "SET TRANSACTION READ ONLY",
		"-c", fmt.Sprintf("SET LOCAL statement_timeout = %d", s.timeout().Milliseconds()))
	for _, q := range sqls {
		argv = append(argv, "-c", q)
	}
	return argv
}

// Inspector reads databases' statements and pools with psql over SSH
// (backend.DBInspector).
type Inspector struct {
	Runner Runner
	Hosts  map[string]ssh.Host
	Specs  []Spec
	// Statements is how many top statements are read; DefaultStatements when 0.
	Statements int
}

var _ backend.DBInspector = (*Inspector)(nil)

// Validate checks every spec.
func (in *Inspector) Validate() error {
	var errs []error
	for _, s := range in.Specs {
		errs = append(errs, s.Check(in.Hosts))
	}
	return errors.Join(errs...)
}

func (in *Inspector) spec(database string) (Spec, bool) {
	for _, s := range in.Specs {
		if s.Database == database {
			return s, true
		}
	}
	return Spec{}, false
}

// ErrNotConfigured is returned for a database without a psql connection.
var ErrNotConfigured = errors.New("no psql connection configured")

// Inspect reads the pool, then the slow statements (one after the other,
// so the second run is not among the sessions the first reads). A failing
// statements query (no pg_stat_statements) leaves the pool analysis
// standing, with StatementsErr saying why.
func (in *Inspector) Inspect(ctx context.Context, database string) (backend.DBInsight, error) {
	s, ok := in.spec(database)
	if !ok {
		return backend.DBInsight{Database: database}, fmt.Errorf("database %s: %w (databases[].psql)", database, ErrNotConfigured)
	}
	h := in.Hosts[s.Host]
	if h.Name == "" {
		h.Name = s.Host
	}
	out := backend.DBInsight{Database: database, Source: "psql on " + label(h)}
	recs, err := in.query(ctx, s, h, poolSQL()...)
	if err != nil {
		return out, err
	}
	if err := parsePool(recs, &out); err != nil {
		return out, fmt.Errorf("psql on %s: %w", s.Host, err)
	}
	n := in.Statements
	if n <= 0 {
		n = DefaultStatements
	}
	recs, err = in.query(ctx, s, h, statementsSQL(n))
	switch {
	case ctx.Err() != nil:
		return out, err
	case err != nil:
		out.StatementsErr = statementsHint(err.Error())
	default:
		if out.Statements, err = parseStatements(recs); err != nil {
			out.StatementsErr = err.Error()
		}
	}
	return out, nil
}

// query runs sqls and returns the records of stdout; a failure carries
// psql's own words (its last stderr lines).
func (in *Inspector) query(ctx context.Context, s Spec, h ssh.Host, sqls ...string) ([][]string, error) {
	var recs [][]string
	var errs []string
	// The SSH command may take the connection, each statement's timeout
	// and some slack; the caller's context bounds it too.
	limit := time.Duration(len(sqls)+1)*s.timeout() + time.Duration(connectTimeout)*time.Second
	res, err := in.Runner.Run(ctx, h, ssh.Command{Argv: s.Argv(sqls...), Timeout: limit}, func(l ssh.Line) {
		switch l.Stream {
		case "stdout":
			if l.Text != "" {
				recs = append(recs, strings.Split(l.Text, sep))
			}
		case "stderr":
			if t := strings.TrimSpace(l.Text); t != "" && len(errs) < 5 {
				errs = append(errs, t)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		why := strings.Join(errs, " | ")
		if why == "" {
			why = "no message"
		}
		return nil, fmt.Errorf("psql on %s exited with status %d: %s", s.Host, res.ExitCode, backend.Printable(why))
	}
	return recs, nil
}

// label names a host as the ssh package does: "tb-db (root@127.0.0.1:12222)".
func label(h ssh.Host) string {
	who := h.Addr
	if h.User != "" {
		who = h.User + "@" + h.Addr
	}
	if h.Name == "" || h.Name == h.Addr {
		return who
	}
	return h.Name + " (" + who + ")"
}

// statementsHint adds what to do to the errors of a missing extension.
func statementsHint(msg string) string {
	switch {
	case strings.Contains(msg, `relation "pg_stat_statements" does not exist`):
		return msg + " (CREATE EXTENSION pg_stat_statements in this database)"
	case strings.Contains(msg, "must be loaded via"):
		return msg + " (add pg_stat_statements to shared_preload_libraries and restart PostgreSQL)"
	case strings.Contains(msg, "mean_exec_time"):
		return msg + " (pg_stat_statements before PostgreSQL 13 names it mean_time: not supported)"
	}
	return msg
}
