//go:build integration

package runbook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/testbed"
)

// pgBin is where the test bed's PostgreSQL 15 tools are (scripts/testbed
// PG_BIN); the config names them explicitly, as a real one should.
const pgBin = "/usr/lib/postgresql/15/bin"

// bed is the shared test bed reached over real SSH.
type bed struct {
	client *ssh.Client
	host   ssh.Host
	hosts  map[string]ssh.Host
	conn   []string // psql/pg_* connection args
}

func needBed(t *testing.T) *bed {
	t.Helper()
	env := testbed.Need(t, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts, testbed.PGAddr, testbed.PGUser)
	testbed.Loopback(t, env[testbed.SSHAddr])
	testbed.Loopback(t, env[testbed.PGAddr])
	c, err := ssh.NewClient(ssh.Config{
		KnownHosts:    env[testbed.SSHKnownHosts],
		IdentityFiles: []string{env[testbed.SSHKey]},
		DialTimeout:   5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	pgHost, pgPort, err := net.SplitHostPort(env[testbed.PGAddr])
	if err != nil {
		t.Fatal(err)
	}
	h := ssh.Host{Name: "tb", Addr: env[testbed.SSHAddr], User: env[testbed.SSHUser]}
	return &bed{client: c, host: h, hosts: map[string]ssh.Host{"tb": h},
		conn: []string{"-h", pgHost, "-p", pgPort, "-U", env[testbed.PGUser]}}
}

// sh runs argv on the test bed host and returns its stdout lines.
func (b *bed) sh(t *testing.T, argv ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var lines []string
	_, err := runStreamed(ctx, b.client, "tb", b.host, argv, time.Minute, nil, func(l ssh.Line) {
		if l.Stream == "stdout" {
			lines = append(lines, l.Text)
		}
	})
	if err != nil {
		t.Fatalf("%s: %v", ssh.QuoteArgv(argv), err)
	}
	return lines
}

func (b *bed) psql(t *testing.T, db, sql string) []string {
	t.Helper()
	argv := append([]string{pgBin + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"}, b.conn...)
	return b.sh(t, append(argv, "-d", db, "-c", sql)...)
}

func unique(prefix string) string {
	var r [4]byte
	_, _ = rand.Read(r[:])
	return prefix + hex.EncodeToString(r[:])
}

// ownDatabase creates a database only this test uses, dropped afterwards.
func (b *bed) ownDatabase(t *testing.T) string {
	db := unique("sshact_it_")
	b.psql(t, "postgres", "create database "+db)
	t.Cleanup(func() { b.psql(t, "postgres", "drop database if exists "+db+" with (force)") })
	return db
}

// ownDir makes a temp directory on the host, removed afterwards.
func (b *bed) ownDir(t *testing.T) string {
	out := b.sh(t, "mktemp", "-d", "/tmp/opsdeck-sshact-XXXXXXXX")
	if len(out) != 1 || !strings.HasPrefix(out[0], "/tmp/opsdeck-sshact-") {
		t.Fatalf("mktemp: %q", out)
	}
	dir := out[0]
	t.Cleanup(func() { b.sh(t, "rm", "-rf", "--", dir) })
	return dir
}

// pgDump writes a custom-format dump of db to path with the given mtime.
func (b *bed) pgDump(t *testing.T, db, path string, mtime time.Time) {
	argv := append([]string{pgBin + "/pg_dump", "-Fc"}, b.conn...)
	b.sh(t, append(argv, "-d", db, "-f", path)...)
	b.sh(t, "touch", "-d", "@"+strconv.FormatInt(mtime.Unix(), 10), path)
}

func TestRestoreOverSSH(t *testing.T) {
	b := needBed(t)
	db := b.ownDatabase(t)
	dir := b.ownDir(t)

	b.psql(t, db, "create table items (id int primary key, name text not null); insert into items values (1, 'a'), (2, 'b')")
	oldTime := time.Now().Add(-26 * time.Hour).Truncate(time.Second)
	b.pgDump(t, db, dir+"/"+db+"-old.dump", oldTime)
	b.psql(t, db, "insert into items values (3, 'c')")
	newTime := time.Now().Add(-time.Hour).Truncate(time.Second)
	b.pgDump(t, db, dir+"/"+db+"-new.dump", newTime)
	// Not offered: an odd name and another pattern.
	b.sh(t, "sh", "-c", `printf x > "$1/evil
name.dump"; printf x > "$1/notes.txt"`, "sh", dir)

	ex := &RestoreExecutor{Runner: b.client, Hosts: b.hosts, Databases: []DatabaseSpec{{
		Name: db, Host: "tb", DumpDir: dir, BinDir: pgBin, Conn: b.conn,
		Integrity: []IntegrityCheck{
			{Name: "items-count", SQL: "select count(*) from items", Expect: "3"},
			{Name: "item-c", SQL: "select name from items where id = 3"},
		},
	}}}
	if err := ex.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ds, err := ex.Dumps(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Path != dir+"/"+db+"-new.dump" || !ds[0].ModTime.Equal(newTime) ||
		ds[1].Path != dir+"/"+db+"-old.dump" || !ds[1].ModTime.Equal(oldTime) {
		t.Fatalf("Dumps = %+v", ds)
	}
	size := b.sh(t, "stat", "-c", "%s", ds[0].Path)
	if len(size) != 1 || size[0] != strconv.FormatInt(ds[0].Size, 10) {
		t.Fatalf("size %d, stat says %q", ds[0].Size, size)
	}
	newest, err := ex.NewestBackup(ctx, db)
	if err != nil || !newest.Equal(newTime) {
		t.Fatalf("NewestBackup = %v, %v; want %v", newest, err, newTime)
	}

	// Damage: the table is gone.
	b.psql(t, db, "drop table items")

	// Plan and Execute through the action runner, as the UI does.
	log, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	runner := &action.Runner{Audit: log, Executors: map[backend.ActionKind]backend.ActionExecutor{backend.ActKindRestore: ex}}
	a := backend.Action{Kind: backend.ActKindRestore, Target: db, Where: "tb", Actor: operator()}
	p, err := runner.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Steps[0], ds[0].Path) || !strings.Contains(p.Steps[1], pgBin+"/pg_restore --clean") || len(p.Steps) != 4 || p.Confirm != db {
		t.Fatalf("plan: %q confirm %q", p.Steps, p.Confirm)
	}
	var o collect
	start := time.Now()
	if err := runner.Execute(ctx, p, o.out); err != nil {
		t.Fatalf("Execute: %v\noutput: %q", err, o.lines)
	}
	t.Logf("restore + 2 checks over SSH took %s", time.Since(start).Round(time.Millisecond))
	if got := b.psql(t, db, "select string_agg(id || '=' || name, ',' order by id) from items"); len(got) != 1 || got[0] != "1=a,2=b,3=c" {
		t.Fatalf("after restore: %q", got)
	}
	infos := strings.Join(o.text("info"), "\n")
	if !strings.Contains(infos, "check items-count: pass") || !strings.Contains(infos, "check item-c: pass") {
		t.Fatalf("info:\n%s", infos)
	}

	// The older dump, chosen by path, restores two rows: the count check fails the action.
	b.psql(t, db, "delete from items")
	a.Params = map[string]string{"dump": ds[1].Path}
	p, err = runner.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	o = collect{}
	err = runner.Execute(ctx, p, o.out)
	if err == nil || !strings.Contains(err.Error(), "integrity checks failed: items-count, item-c") {
		t.Fatalf("old dump: err = %v", err)
	}
	if got := b.psql(t, db, "select count(*) from items"); len(got) != 1 || got[0] != "2" {
		t.Fatalf("after old restore: %q", got)
	}
	if infos := strings.Join(o.text("info"), "\n"); !strings.Contains(infos, `check items-count: FAIL: got "2", want "3"`) {
		t.Fatalf("info:\n%s", infos)
	}

	// A dump path that is not listed is refused before anything runs.
	a.Params = map[string]string{"dump": dir + "/evil\nname.dump"}
	if _, err := runner.Plan(ctx, a); err == nil {
		t.Fatal("odd dump name planned")
	}
}

// Over real SSH too, quoting alone keeps unchecked values inert.
func TestQuotingInertOverSSH(t *testing.T) {
	b := needBed(t)
	dir := b.ownDir(t)
	marker := dir + "/pwned"
	for _, v := range []string{"x; touch " + marker, "$(touch " + marker + ")", "`touch " + marker + "`",
		"'; touch " + marker + "; '", "a\ntouch " + marker, "-rf", "| tee " + marker} {
		argv := substitute([]string{"printf", "%s|", "{service}", "{version}"}, map[string]string{"service": v, "version": v})
		if _, err := fill([]string{"{service}"}, map[string]string{"service": v}); err == nil {
			t.Fatalf("fill accepted %q", v)
		}
		got := strings.Join(b.sh(t, argv...), "\n")
		if got != v+"|"+v+"|" {
			t.Errorf("printed %q, want %q twice", got, v)
		}
	}
	if out := b.sh(t, "sh", "-c", `test -e "$1" && echo exists || echo absent`, "sh", marker); len(out) != 1 || out[0] != "absent" {
		t.Fatalf("injection ran on the host: %q", out)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) { // sshd runs on this machine
		t.Fatalf("marker exists: %v", err)
	}
}

func TestCommandCancelAndExitOverSSH(t *testing.T) {
	b := needBed(t)
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	secs := fmt.Sprintf("60.%06d", n.Int64())
	ex := &CommandExecutor{Runner: b.client, Hosts: b.hosts, Specs: []CommandSpec{
		{Name: "long", Host: "tb", Argv: []string{"sleep", "{version}"}, Timeout: 2 * time.Minute},
		{Name: "fails", Host: "tb", Argv: []string{"sh", "-c", "echo partial; echo boom >&2; exit 7"}},
	}}
	if err := ex.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// A failing command reports its exit code and stderr, and streams stdout.
	p, err := ex.Plan(ctx, backend.Action{Kind: backend.ActKindCommand, Target: "fails", Actor: operator()})
	if err != nil {
		t.Fatal(err)
	}
	var o collect
	err = ex.Execute(ctx, p, o.out)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 7 || !strings.Contains(err.Error(), "status 7: boom") {
		t.Fatalf("err = %v", err)
	}
	mustEqual(t, "stdout", o.text("stdout"), []string{"partial"})

	// A long command cancelled via ctx ends promptly, and its process is gone.
	p, err = ex.Plan(ctx, backend.Action{Kind: backend.ActKindCommand, Target: "long",
		Params: map[string]string{"version": secs}, Actor: operator()})
	if err != nil {
		t.Fatal(err)
	}
	pattern := "^sleep " + regexp.QuoteMeta(secs) + "$"
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- ex.Execute(cctx, p, nil) }()
	// Poll, not Eventually: the failure needs the cancel first, to report
	// what Execute returned.
	if _, ok, _ := testbed.Poll(10*time.Second, func() (bool, string) { return running(t, pattern), "" }); !ok {
		cancel()
		t.Fatalf("the remote sleep never showed up (err %v)", <-done)
	}
	start := time.Now()
	cancel()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Execute did not return 10s after cancel")
	}
	took := time.Since(start)
	t.Logf("cancel → Execute returned in %s: %v", took.Round(time.Millisecond), err)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v, want a cancel error", err)
	}
	if took > 4*time.Second {
		t.Errorf("took %s to stop", took)
	}
	testbed.Eventually(t, 4*time.Second, "remote processes gone after the cancel", func() (bool, string) {
		if !running(t, regexp.QuoteMeta(secs)) {
			return true, ""
		}
		out, _ := exec2("pgrep", "-af", regexp.QuoteMeta(secs))
		return false, "surviving:\n" + string(out)
	})
}

// running reports whether a process on this machine (where the test bed's
// sshd runs) matches pattern.
func running(t testing.TB, pattern string) bool {
	_, err := exec2("pgrep", "-f", pattern)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return false
	}
	t.Fatalf("pgrep: %v", err)
	return false
}

func exec2(name string, args ...string) ([]byte, error) { return exec.Command(name, args...).Output() }

// Dumps under a hidden directory on the host (/home/ops/.backups, as the
// issue had it under ~/.cache) are listed and planned, not refused by the
// path check as "no dumps found".
func TestRestorePlanFromAHiddenDirectoryOverSSH(t *testing.T) {
	b := needBed(t)
	db := b.ownDatabase(t)
	dir := b.ownDir(t) + "/.backups"
	b.sh(t, "mkdir", "--", dir)
	b.psql(t, db, "create table items (id int primary key)")
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	b.pgDump(t, db, dir+"/"+db+".dump", at)
	ex := &RestoreExecutor{Runner: b.client, Hosts: b.hosts, Databases: []DatabaseSpec{{
		Name: db, Host: "tb", DumpDir: dir, BinDir: pgBin, Conn: b.conn}}}
	if err := ex.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if newest, err := ex.NewestBackup(ctx, db); err != nil || !newest.Equal(at) {
		t.Fatalf("NewestBackup = %v, %v; want %v", newest, err, at)
	}
	p, err := ex.Plan(ctx, backend.Action{Kind: backend.ActKindRestore, Target: db, Actor: operator()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Steps, "\n"), dir+"/"+db+".dump") {
		t.Fatalf("plan %q does not restore %s", p.Steps, dir+"/"+db+".dump")
	}
}
