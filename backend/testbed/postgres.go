package testbed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// PGBin is where the test bed's PostgreSQL 15 tools are (scripts/testbed
// PG_BIN).
const PGBin = "/usr/lib/postgresql/15/bin"

// PG is the test bed's PostgreSQL, for tests that put load on it with the
// real psql (slow queries, sessions left idle in a transaction) and look
// at what opsdeck makes of it.
type PG struct {
	Host, Port, User string
}

// NeedPG is the test bed's PostgreSQL (see Need).
func NeedPG(t testing.TB) PG {
	t.Helper()
	env := Need(t, PGAddr, PGUser)
	Loopback(t, env[PGAddr])
	host, port, err := net.SplitHostPort(env[PGAddr])
	if err != nil {
		t.Fatal(err)
	}
	return PG{Host: host, Port: port, User: env[PGUser]}
}

// Token is a fresh lowercase name (letters and digits) for a test's own
// marks: an application name, a CTE name that makes its statement its own
// in pg_stat_statements.
func Token(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func (p PG) cmd(ctx context.Context, db, app string, args ...string) *exec.Cmd {
	argv := append([]string{"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", p.Host, "-p", p.Port, "-U", p.User, "-d", db}, args...)
	c := exec.CommandContext(ctx, PGBin+"/psql", argv...)
	c.Env = append(os.Environ(), "PGAPPNAME="+app, "PGCONNECT_TIMEOUT=5")
	return c
}

// Exec runs sql in db as application app and returns its output; an
// error fails the test.
func (p PG) Exec(t testing.TB, db, app, sql string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := p.cmd(ctx, db, app, "-c", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("psql -d %s -c %q: %v: %s", db, sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Hold opens a session of application app on db that runs sql and then
// keeps the connection (psql waits on its input) until the test ends; it
// returns once pg_stat_activity shows the session in state (e.g. "idle in
// transaction" after "BEGIN; SELECT 1;", "active" while a sleep runs).
func (p PG) Hold(t testing.TB, db, app, sql, state string) {
	t.Helper()
	c := p.cmd(context.Background(), db, app)
	in, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	c.Stdout, c.Stderr = out, out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The server ends the session (a query still running would keep
		// psql from reading its EOF), then psql ends at EOF.
		p.Exec(t, db, app+"-cleanup", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"+app+"'")
		in.Close()
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = c.Process.Kill()
			<-done
		}
	})
	if _, err := io.WriteString(in, sql+"\n"); err != nil {
		t.Fatal(err)
	}
	q := "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "' AND state = '" + state + "'"
	for deadline := time.Now().Add(15 * time.Second); ; {
		if p.Exec(t, db, app+"-probe", q) == "1" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %s never %s on %s (psql said %q)", app, state, db, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer psql's output goroutine writes while a
// failing test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
