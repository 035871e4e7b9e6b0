//go:build integration

package pgstat

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/testbed"
)

// bed is an Inspector on the test bed: psql run over the real sshd
// against the real PostgreSQL, and the PostgreSQL itself for the load.
func bed(t *testing.T) (*Inspector, testbed.PG) {
	t.Helper()
	env := testbed.Need(t, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts)
	testbed.Loopback(t, env[testbed.SSHAddr])
	pg := testbed.NeedPG(t)
	c, err := ssh.NewClient(ssh.Config{KnownHosts: env[testbed.SSHKnownHosts], IdentityFiles: []string{env[testbed.SSHKey]}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	port, _ := strconv.Atoi(pg.Port)
	hosts := map[string]ssh.Host{"tb-db": {Name: "tb-db", Addr: env[testbed.SSHAddr], User: env[testbed.SSHUser]}}
	var specs []Spec
	for _, db := range []string{"chat", "postgres"} {
		specs = append(specs, Spec{Database: db, Host: "tb-db", BinDir: testbed.PGBin, PGHost: pg.Host, Port: port, User: pg.User})
	}
	in := &Inspector{Runner: c, Hosts: hosts, Specs: specs, Statements: 200}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	return in, pg
}

func inspect(t *testing.T, in *Inspector, db string) backend.DBInsight {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := in.Inspect(ctx, db)
	if err != nil {
		t.Fatalf("inspect %s: %v", db, err)
	}
	return got
}

// Real slow statements and real sessions holding the pool, seen through
// psql over SSH: the statement with its calls and mean time, a session
// idle in a transaction and a running query with their ages, and the
// groups counting them.
func TestInspectSeesSlowStatementsAndSessions(t *testing.T) {
	in, pg := bed(t)
	tok := testbed.Token("opsdeck_it_")
	// A CTE's name is part of what pg_stat_statements tells statements
	// apart by, so this one is the test's own however often others run
	// pg_sleep; the constant is normalised to $1.
	slow := "WITH " + tok + " AS (SELECT 1) SELECT pg_sleep(0.3) FROM " + tok
	for range 3 {
		pg.Exec(t, "chat", tok, slow)
	}
	idle, busy := tok+"_idle", tok+"_busy"
	pg.Hold(t, "chat", idle, "BEGIN; SELECT 1;", "idle in transaction")
	pg.Hold(t, "chat", busy, "SELECT pg_sleep(30);", "active")
	time.Sleep(1100 * time.Millisecond) // both hold for a second at least

	got := inspect(t, in, "chat")
	if !strings.HasPrefix(got.Source, "psql on tb-db (") || got.MaxConnections <= 0 || got.At.IsZero() {
		t.Errorf("source %q, max_connections %d, at %v", got.Source, got.MaxConnections, got.At)
	}
	if got.StatementsErr != "" {
		t.Fatalf("statements: %s", got.StatementsErr)
	}
	var st *backend.Statement
	for i, s := range got.Statements {
		if strings.Contains(s.Query, tok) {
			st = &got.Statements[i]
		}
		if strings.Contains(s.Query, marker) {
			t.Errorf("opsdeck's own query is listed: %q", s.Query)
		}
	}
	if st == nil {
		t.Fatalf("the slow statement %s is not among %d statements", tok, len(got.Statements))
	}
	if st.Calls != 3 || st.MeanMS < 295 || st.MeanMS > 2000 || st.TotalMS < 3*295 || st.Rows != 3 || !strings.Contains(st.Query, "SELECT pg_sleep($2) FROM "+tok) {
		t.Errorf("statement %+v", *st)
	}
	for i := 1; i < len(got.Statements); i++ {
		if got.Statements[i].MeanMS > got.Statements[i-1].MeanMS {
			t.Errorf("statements not by mean time: %v then %v", got.Statements[i-1].MeanMS, got.Statements[i].MeanMS)
		}
	}

	find := func(app string) backend.Session {
		t.Helper()
		for _, s := range got.Sessions {
			if s.Application == app {
				return s
			}
		}
		t.Fatalf("no session of %s among %d", app, len(got.Sessions))
		return backend.Session{}
	}
	s := find(idle)
	if !s.IdleInTransaction() || s.User != pg.User || s.Client != "127.0.0.1" || s.PID <= 0 || s.XactStart.IsZero() ||
		s.Age(got.At) < time.Second || s.Age(got.At) > time.Minute || s.Query != "SELECT 1;" {
		t.Errorf("idle in transaction session: %+v (age %v)", s, s.Age(got.At))
	}
	b := find(busy)
	if b.State != backend.SessionActive || b.Age(got.At) < time.Second || !strings.Contains(b.Query, "pg_sleep(30)") || b.WaitEvent != "Timeout: PgSleep" {
		t.Errorf("active session: %+v (age %v)", b, b.Age(got.At))
	}
	for _, s := range got.Sessions {
		if s.Application == "opsdeck" {
			t.Errorf("opsdeck's own session is listed: %+v", s)
		}
	}
	count := func(cs []backend.Count, key string) int {
		for _, c := range cs {
			if c.Key == key {
				return c.N
			}
		}
		return 0
	}
	if count(got.ByApplication, idle) != 1 || count(got.ByApplication, busy) != 1 || count(got.ByState, "idle in transaction") < 1 ||
		count(got.ByState, "active") < 1 || count(got.ByClient, "127.0.0.1") < 2 {
		t.Errorf("groups: state %v app %v client %v", got.ByState, got.ByApplication, got.ByClient)
	}
	if backend.Total(got.ByState) != backend.Total(got.ByApplication) || backend.Total(got.ByState) != backend.Total(got.ByClient) {
		t.Errorf("groups count different sessions: %v / %v / %v", got.ByState, got.ByApplication, got.ByClient)
	}
}

// What opsdeck runs cannot write, and cannot run away: the transaction is
// read-only and each statement has the spec's timeout.
func TestQueriesAreReadOnlyAndBounded(t *testing.T) {
	in, _ := bed(t)
	s := in.Specs[0]
	s.Timeout = 500 * time.Millisecond
	h := in.Hosts[s.Host]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tbl := testbed.Token("opsdeck_ro_")
	_, err := in.query(ctx, s, h, "CREATE TABLE "+tbl+" (id int)")
	if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("a write was not refused: %v", err)
	}
	start := time.Now()
	_, err = in.query(ctx, s, h, "SELECT pg_sleep(20)")
	if err == nil || !strings.Contains(err.Error(), "statement timeout") || time.Since(start) > 10*time.Second {
		t.Errorf("a long statement was not stopped at 500ms: %v after %v", err, time.Since(start))
	}
}

// A database without the extension still gets its pool analysis, and the
// statements say what to do.
func TestNoExtensionKeepsThePool(t *testing.T) {
	in, _ := bed(t)
	got := inspect(t, in, "postgres")
	if !strings.Contains(got.StatementsErr, `relation "pg_stat_statements" does not exist`) || !strings.Contains(got.StatementsErr, "CREATE EXTENSION pg_stat_statements") {
		t.Errorf("statements error %q", got.StatementsErr)
	}
	if got.At.IsZero() || got.MaxConnections == 0 {
		t.Errorf("pool analysis lost: %+v", got)
	}
}

// A PostgreSQL that does not answer is an error naming psql's words.
func TestUnreachableServer(t *testing.T) {
	in, _ := bed(t)
	_, port, _ := net.SplitHostPort(testbed.FreeAddr(t))
	in.Specs[0].Port, _ = strconv.Atoi(port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := in.Inspect(ctx, "chat")
	if err == nil || !strings.Contains(err.Error(), "psql on tb-db exited with status 2") || !strings.Contains(err.Error(), "Connection refused") {
		t.Errorf("err %v", err)
	}
}
