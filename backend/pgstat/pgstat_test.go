package pgstat

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

var hosts = map[string]ssh.Host{"db-1": {Name: "db-1", Addr: "10.0.0.5:22", User: "ops"}}

// The command reaching the host: read-only transaction, timeout, no
// prompt, no psqlrc, the unit separator, every word quoted.
func TestArgvIsReadOnlyBoundedAndQuoted(t *testing.T) {
	s := Spec{Database: "chat", Host: "db-1", BinDir: "/usr/lib/postgresql/15/bin", PGHost: "127.0.0.1", Port: 5432, User: "postgres",
		PassFile: "/home/ops/.pgpass", Timeout: 2 * time.Second}
	if err := s.Check(hosts); err != nil {
		t.Fatal(err)
	}
	got := ssh.QuoteArgv(s.Argv("SELECT 'x'"))
	want := "env 'PGAPPNAME=opsdeck' 'PGCONNECT_TIMEOUT=5' 'PGPASSFILE=/home/ops/.pgpass' /usr/lib/postgresql/15/bin/psql -X -q -w -A -t -F '\x1f' -v 'ON_ERROR_STOP=1' --single-transaction " +
		"-h 127.0.0.1 -p 5432 -U postgres -d chat -c 'SET TRANSACTION READ ONLY' -c 'SET LOCAL statement_timeout = 2000' -c 'SELECT '\\''x'\\'''"
	if got != want {
		t.Errorf("argv\n got %q\nwant %q", got, want)
	}
	if a := (Spec{Database: "chat", Host: "db-1"}).Argv(); strings.Join(a[3:5], " ") != "psql -X" || !strings.Contains(strings.Join(a, " "), "statement_timeout = 5000") {
		t.Errorf("defaults: %q", a)
	}
}

func TestCheckRefusesWhatPsqlWouldMisread(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Database: "chat", Host: "nope"}, `host "nope" is not configured`},
		{Spec{Database: "chat", Host: "db-1", DBName: "host=evil"}, `dbname "host=evil"`},
		{Spec{Database: "chat", Host: "db-1", User: "-c"}, `user "-c"`},
		{Spec{Database: "chat", Host: "db-1", PGHost: "-oProxy"}, `host "-oProxy"`},
		{Spec{Database: "chat", Host: "db-1", PassFile: "pgpass"}, `passfile "pgpass": not an absolute path`},
		{Spec{Database: "chat", Host: "db-1", Port: 70000}, "port 70000"},
	} {
		if err := c.s.Check(hosts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
}

func rec(fields ...string) []string { return fields }

func TestParsePool(t *testing.T) {
	var in backend.DBInsight
	err := parsePool([][]string{
		rec("M", "1796284020.5", "100", "chat"),
		rec("G", "state", "idle in transaction", "1"),
		rec("G", "app", "chat-backend", "7"),
		rec("G", "client", "local", "2"),
		rec("A", "4242", "app", "chat-backend", "10.0.0.7", "idle in transaction", "Client: ClientRead", "1796283900.25", "1796283901", "1796283901", "UPDATE x SET y = 1"),
	}, &in)
	if err != nil {
		t.Fatal(err)
	}
	s := in.Sessions[0]
	at := time.Unix(1796284020, 5e8).UTC()
	if !in.At.Equal(at) || in.MaxConnections != 100 || len(in.ByState) != 1 || in.ByApplication[0] != (backend.Count{Key: "chat-backend", N: 7}) ||
		in.ByClient[0].Key != "local" || s.PID != 4242 || !s.IdleInTransaction() || s.Age(in.At) != 120250*time.Millisecond || s.Client != "10.0.0.7" {
		t.Errorf("%+v", in)
	}
	for _, bad := range [][][]string{
		nil,                            // no M: nothing answered
		{rec("M", "x", "100", "chat")}, // not a time
		{rec("M", "1", "100")},         // a field short
		{rec("Q", "whatever")},         // unknown record
		{rec("M", "1", "1", "c"), rec("A", "1")},
	} {
		var in backend.DBInsight
		if err := parsePool(bad, &in); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParseStatements(t *testing.T) {
	got, err := parseStatements([][]string{rec("S", "3", "300.5", "901.5", "3", "SELECT pg_sleep($1)")})
	if err != nil || len(got) != 1 || got[0] != (backend.Statement{Query: "SELECT pg_sleep($1)", Calls: 3, MeanMS: 300.5, TotalMS: 901.5, Rows: 3}) {
		t.Errorf("%+v %v", got, err)
	}
	for _, bad := range [][]string{rec("S", "3", "NaN", "1", "1", "q"), rec("S", "x", "1", "1", "1", "q"), rec("S", "1", "1", "1", "1")} {
		if _, err := parseStatements([][]string{bad}); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// fakeRunner answers each psql run with the lines of its queue.
type fakeRunner struct {
	answers []fakeAnswer
	argvs   [][]string
}

type fakeAnswer struct {
	code  int
	lines []ssh.Line
}

func (f *fakeRunner) Run(_ context.Context, _ ssh.Host, cmd ssh.Command, out func(ssh.Line)) (ssh.Result, error) {
	f.argvs = append(f.argvs, cmd.Argv)
	a := f.answers[0]
	f.answers = f.answers[1:]
	for _, l := range a.lines {
		out(l)
	}
	return ssh.Result{ExitCode: a.code}, nil
}

// A psql failure is psql's words; a missing extension leaves the pool.
func TestInspectFailures(t *testing.T) {
	spec := Spec{Database: "chat", Host: "db-1"}
	meta := ssh.Line{Stream: "stdout", Text: "M\x1f1796284020\x1f20\x1fchat"}
	f := &fakeRunner{answers: []fakeAnswer{
		{code: 0, lines: []ssh.Line{meta}},
		{code: 1, lines: []ssh.Line{{Stream: "stderr", Text: `ERROR:  relation "pg_stat_statements" does not exist`}}},
	}}
	in := &Inspector{Runner: f, Hosts: hosts, Specs: []Spec{spec}}
	got, err := in.Inspect(context.Background(), "chat")
	if err != nil || got.MaxConnections != 20 || !strings.Contains(got.StatementsErr, "CREATE EXTENSION") || got.Source != "psql on db-1 (ops@10.0.0.5:22)" {
		t.Errorf("%+v %v", got, err)
	}
	f.answers = []fakeAnswer{{code: 2, lines: []ssh.Line{{Stream: "stderr", Text: "psql: error: connection to server failed: Connection refused"}}}}
	if _, err := in.Inspect(context.Background(), "chat"); err == nil || err.Error() != "psql on db-1 exited with status 2: psql: error: connection to server failed: Connection refused" {
		t.Errorf("err %v", err)
	}
	if _, err := in.Inspect(context.Background(), "picture"); err == nil || !strings.Contains(err.Error(), "no psql connection configured") {
		t.Errorf("err %v", err)
	}
}
