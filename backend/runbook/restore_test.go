package runbook

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend"
)

const listing = "1764212400 2097152 chat-2025-11-27.dump\x00\n1764126000 1024 chat-2025-11-26.dump\x00"

// fakeDB answers the listing, the restore and the check queries.
func fakeDB(rows map[string][]string, restoreCode int) *fakeRunner {
	return &fakeRunner{answer: func(argv []string) reply {
		switch {
		case argv[0] == "find":
			return reply{stdout: strings.Split(listing, "\n")}
		case strings.Contains(strings.Join(argv, " "), "/pg_restore "):
			return reply{stdout: []string{"restored"}, code: restoreCode, stderr: []string{"pg_restore: warning"}}
		default:
			sql := argv[len(argv)-1]
			if r, ok := rows[sql]; ok {
				return reply{stdout: r}
			}
			return reply{code: 1, stderr: []string{"ERROR:  relation does not exist"}}
		}
	}}
}

func chatRestore(r Runner) *RestoreExecutor {
	return &RestoreExecutor{Runner: r, Hosts: testHosts, Databases: []DatabaseSpec{{
		Name: "chat", Host: "tb-db", DumpDir: "/var/backups/chat/", BinDir: "/usr/lib/postgresql/15/bin",
		Conn: []string{"-h", "127.0.0.1", "-p", "15432", "-U", "postgres"},
		Integrity: []IntegrityCheck{
			{Name: "messages", SQL: "select count(*) from messages", Expect: "3"},
			{Name: "users-exist", SQL: "select 1 from users limit 1"},
		},
	}}}
}

func restoreAction(params map[string]string) backend.Action {
	return backend.Action{Kind: backend.ActKindRestore, Target: "chat", Params: params, Actor: operator()}
}

func TestRestorePlanNewestAndExecute(t *testing.T) {
	f := fakeDB(map[string][]string{"select count(*) from messages": {"3"}, "select 1 from users limit 1": {"1"}}, 0)
	e := chatRestore(f)
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := e.Plan(context.Background(), restoreAction(nil))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "steps", p.Steps, []string{
		"tb-db (postgres@127.0.0.1:2223): restore database chat from /var/backups/chat/chat-2025-11-27.dump (2025-11-27 03:00:00 UTC, 2.0 MiB, 2097152 bytes)",
		"run: /usr/lib/postgresql/15/bin/pg_restore --clean --if-exists --no-owner -h 127.0.0.1 -p 15432 -U postgres -d chat /var/backups/chat/chat-2025-11-27.dump",
		`check messages (expect "3"): /usr/lib/postgresql/15/bin/psql -X -q -A -t -v 'ON_ERROR_STOP=1' -h 127.0.0.1 -p 15432 -U postgres -d chat -c 'select count(*) from messages'`,
		`check users-exist (at least one row): /usr/lib/postgresql/15/bin/psql -X -q -A -t -v 'ON_ERROR_STOP=1' -h 127.0.0.1 -p 15432 -U postgres -d chat -c 'select 1 from users limit 1'`,
	})
	if !p.Destructive || p.Confirm != "chat" || p.Timeout <= DefaultRestoreTimeout {
		t.Errorf("plan = %+v", p)
	}
	mustEqual(t, "find", f.argvs()[0], listArgv("/var/backups/chat", "*.dump"))
	var o collect
	if err := e.Execute(context.Background(), p, o.out); err != nil {
		t.Fatal(err)
	}
	calls := f.argvs()
	if len(calls) != 5 { // plan's listing, execute's listing, restore, two checks
		t.Fatalf("calls = %q", calls)
	}
	mustEqual(t, "restore argv", calls[2], []string{"/usr/lib/postgresql/15/bin/pg_restore", "--clean", "--if-exists", "--no-owner",
		"-h", "127.0.0.1", "-p", "15432", "-U", "postgres", "-d", "chat", "/var/backups/chat/chat-2025-11-27.dump"})
	info := strings.Join(o.text("info"), "\n")
	for _, want := range []string{"check messages: pass", "check users-exist: pass"} {
		if !strings.Contains(info, want) {
			t.Errorf("info lines lack %q:\n%s", want, info)
		}
	}
	mustEqual(t, "stdout", o.text("stdout"), []string{"restored"}) // check rows are not streamed
}

func TestRestoreChosenDumpMustBeListed(t *testing.T) {
	f := fakeDB(nil, 0)
	e := chatRestore(f)
	p, err := e.Plan(context.Background(), restoreAction(map[string]string{"dump": "/var/backups/chat/chat-2025-11-26.dump"}))
	if err != nil || !strings.Contains(p.Steps[0], "chat-2025-11-26.dump (2025-11-26 03:00:00 UTC, 1.0 KiB, 1024 bytes)") {
		t.Fatalf("plan %+v, %v", p, err)
	}
	n := len(f.calls)
	for _, bad := range append(hostile, "/var/backups/chat/../chat/chat-2025-11-27.dump", "/var/backups/chat/chat-2025-11-27.dump;id",
		"/var/backups/chat/$(id).dump", "/var/backups/chat/`id`.dump", "/var/backups/chat/x\n.dump", "/var/backups/chat/-rf") {
		if _, err := e.Plan(context.Background(), restoreAction(map[string]string{"dump": bad})); err == nil {
			t.Errorf("dump %q accepted", bad)
		}
	}
	if len(f.calls) != n {
		t.Errorf("hostile dump paths reached the host: %q", f.argvs()[n:])
	}
	_, err = e.Plan(context.Background(), restoreAction(map[string]string{"dump": "/var/backups/chat/chat-2025-11-25.dump"}))
	if err == nil || !strings.Contains(err.Error(), "is not one of the 2 dumps") {
		t.Errorf("unlisted dump: %v", err)
	}
	if _, err := e.Plan(context.Background(), backend.Action{Kind: backend.ActKindRestore, Target: "chat; id", Actor: operator()}); err == nil {
		t.Error("unknown database planned")
	}
}

func TestRestoreFailedCheckFailsAction(t *testing.T) {
	f := fakeDB(map[string][]string{"select count(*) from messages": {"2"}}, 0)
	e := chatRestore(f)
	p, err := e.Plan(context.Background(), restoreAction(nil))
	if err != nil {
		t.Fatal(err)
	}
	var o collect
	err = e.Execute(context.Background(), p, o.out)
	if err == nil || !strings.Contains(err.Error(), "integrity checks failed: messages, users-exist") {
		t.Fatalf("err = %v", err)
	}
	info := strings.Join(o.text("info"), "\n")
	if !strings.Contains(info, `check messages: FAIL: got "2", want "3"`) || !strings.Contains(info, "check users-exist: FAIL") {
		t.Errorf("info:\n%s", info)
	}
	if !strings.Contains(strings.Join(o.text("stderr"), "\n"), "relation does not exist") {
		t.Errorf("psql's stderr was not streamed: %q", o.text("stderr"))
	}
}

func TestRestoreExitCodeStopsBeforeChecks(t *testing.T) {
	f := fakeDB(nil, 1)
	e := chatRestore(f)
	p, _ := e.Plan(context.Background(), restoreAction(nil))
	err := e.Execute(context.Background(), p, nil)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 1 || !strings.Contains(err.Error(), "pg_restore: warning") {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 3 {
		t.Fatalf("checks ran after a failed restore: %q", f.argvs())
	}
}

func TestRestoreRefusesWhenNewerDumpAppeared(t *testing.T) {
	f := fakeDB(nil, 0)
	e := chatRestore(f)
	p, _ := e.Plan(context.Background(), restoreAction(nil))
	f.answer = func(argv []string) reply {
		return reply{stdout: []string{"1764300000 5000 chat-2025-11-28.dump\x00", "1764212400 2097152 chat-2025-11-27.dump\x00"}}
	}
	if err := e.Execute(context.Background(), p, nil); err == nil || !strings.Contains(err.Error(), "plan changed") {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 2 {
		t.Fatalf("ran more than the listings: %q", f.argvs())
	}
}

func TestRestoreEnvSecretsMaskedInSteps(t *testing.T) {
	f := fakeDB(nil, 0)
	e := chatRestore(f)
	e.Databases[0].Env = []string{"PGPASSWORD=hunter2", "PGCONNECT_TIMEOUT=5"}
	e.Databases[0].Integrity = nil
	p, err := e.Plan(context.Background(), restoreAction(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(p.Steps, "\n"); strings.Contains(s, "hunter2") || !strings.Contains(s, "run: env 'PGPASSWORD=***' 'PGCONNECT_TIMEOUT=5' ") {
		t.Fatalf("steps:\n%s", s)
	}
	if err := e.Execute(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.argvs()[2]; got[0] != "env" || got[1] != "PGPASSWORD=hunter2" {
		t.Fatalf("restore argv %q lacks the real env", got)
	}
}

func TestRestoreValidate(t *testing.T) {
	e := &RestoreExecutor{Hosts: testHosts, Databases: []DatabaseSpec{
		{Name: "ok", Host: "tb-db", DumpDir: "/d"},
		{Name: "ok", Host: "tb-db", DumpDir: "/d"},
		{Name: "rel", Host: "tb-db", DumpDir: "backups"},
		{Name: "pat", Host: "tb-db", DumpDir: "/d", Pattern: "../*.dump"},
		{Name: "ph", Host: "tb-db", DumpDir: "/d", Restore: []string{"r", "{version}"}},
		{Name: "env", Host: "tb-db", DumpDir: "/d", Env: []string{"no equals"}},
		{Name: "chk", Host: "tb-db", DumpDir: "/d", Integrity: []IntegrityCheck{{Name: "a"}, {Name: "a", SQL: "select 1"}}},
		{Name: "x; y", Host: "tb-db", DumpDir: "/d"},
	}}
	err := e.Validate()
	for _, want := range []string{`"ok": defined twice`, `dump_dir "backups" is not absolute`, `pattern "../*.dump"`, "{version}",
		`env "no equals"`, "check a: empty SQL", `check "a": needs a unique`, `"x; y": not a plain name`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to mention %s", err, want)
		}
	}
}
