package runbook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

func seedCommands(r Runner) *CommandExecutor {
	return &CommandExecutor{
		Runner: r,
		Hosts:  testHosts,
		Specs: []CommandSpec{
			{Name: "rollback-chat", Host: "tb-app", Argv: []string{"./scripts/rollback.sh", "{project}", "{version}"}, Destructive: true},
			{Name: "switch-traffic", Host: "tb-app", Argv: []string{"./scripts/switch.sh", "--to={colour}", "{service}"}, Timeout: time.Minute},
			{Name: "all", Host: "tb-app", Argv: []string{"echo", "{service}", "{version}", "{project}", "{database}", "{colour}", "{dump}"}},
		},
		Rollbacks: map[string]string{"chat-backend": "rollback-chat"},
	}
}

// The seed's "./scripts/rollback.sh chat v1.5.2": the plan shows the exact
// command line and host, and exactly that argv reaches the host.
func TestRollbackCommandSeedExample(t *testing.T) {
	f := &fakeRunner{answer: func([]string) reply { return reply{stdout: []string{"rolled back"}, stderr: []string{"note"}} }}
	c := seedCommands(f)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	a := backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend",
		Params: map[string]string{"project": "chat", "version": "v1.5.2"}, Actor: operator()}
	p, err := c.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "steps", p.Steps, []string{"tb-app (deploy@127.0.0.1:2222): ./scripts/rollback.sh chat v1.5.2 (timeout 5m0s)"})
	if !p.Destructive || p.Confirm != "chat-backend" || p.Timeout <= DefaultCommandTimeout {
		t.Errorf("plan = %+v: want destructive, confirm chat-backend, timeout above the command's", p)
	}
	if len(f.calls) != 0 {
		t.Fatalf("Plan ran something: %q", f.argvs())
	}
	var o collect
	if err := c.Execute(context.Background(), p, o.out); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "argv", f.argvs()[0], []string{"./scripts/rollback.sh", "chat", "v1.5.2"})
	if f.hosts[0].Addr != "127.0.0.1:2222" || f.calls[0].Timeout != DefaultCommandTimeout {
		t.Errorf("ran on %+v with timeout %s", f.hosts[0], f.calls[0].Timeout)
	}
	mustEqual(t, "stdout", o.text("stdout"), []string{"rolled back"})
	mustEqual(t, "stderr", o.text("stderr"), []string{"note"})
}

func TestCommandKindByTargetAndPlaceholderInsideWord(t *testing.T) {
	f := &fakeRunner{}
	c := seedCommands(f)
	a := backend.Action{Kind: backend.ActKindCommand, Target: "switch-traffic",
		Params: map[string]string{"colour": "green", "service": "chat-web"}, Actor: operator()}
	p, err := c.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if p.Destructive || !strings.HasSuffix(p.Steps[0], ": ./scripts/switch.sh '--to=green' chat-web (timeout 1m0s)") {
		t.Fatalf("plan = %+v", p)
	}
	if err := c.Execute(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "argv", f.argvs()[0], []string{"./scripts/switch.sh", "--to=green", "chat-web"})
}

// hostile values for every placeholder: each must be refused by Plan.
var hostile = []string{
	"x; touch /tmp/pwned", "$(id)", "`id`", "a'b", `a"b`, "a\nb", "-rf", "--help", "", " x", "a b",
	"../etc", "a|b", "a&b", "a>b", "${HOME}", "*", "~root", "x\x00y", "é",
}

func TestPlanRefusesHostileValuesInEveryPlaceholder(t *testing.T) {
	good := map[string]string{"service": "chat-web", "version": "v1", "project": "chat", "database": "chat",
		"colour": "blue", "dump": "/var/backups/chat.dump"}
	f := &fakeRunner{}
	c := seedCommands(f)
	base := backend.Action{Kind: backend.ActKindCommand, Target: "all", Params: good, Actor: operator()}
	if _, err := c.Plan(context.Background(), base); err != nil {
		t.Fatalf("good values refused: %v", err)
	}
	for name := range good {
		for _, bad := range hostile {
			params := map[string]string{}
			for k, v := range good {
				params[k] = v
			}
			params[name] = bad
			a := base
			a.Params = params
			_, err := c.Plan(context.Background(), a)
			if err == nil || !strings.Contains(err.Error(), "{"+name+"}") && !strings.Contains(err.Error(), "dump path") {
				t.Errorf("{%s}=%q: Plan err = %v, want a refusal naming it", name, bad, err)
			}
			// Execute re-resolves: a plan forged around Plan is refused too.
			forged := backend.Plan{Action: a, Steps: []string{"anything"}}
			if err := c.Execute(context.Background(), forged, nil); err == nil {
				t.Errorf("{%s}=%q: Execute of a forged plan ran", name, bad)
			}
		}
	}
	if len(f.calls) != 0 {
		t.Fatalf("something ran: %q", f.argvs())
	}
	// A dump must also be a clean absolute path.
	for _, bad := range []string{"chat.dump", "/var/backups/../../etc/shadow", "/var//x.dump", "/var/x.dump/", "/var/-rf.dump", "/var/.x"} {
		if err := CheckDumpPath(bad); err == nil {
			t.Errorf("CheckDumpPath(%q) accepted", bad)
		}
	}
}

// Quoting alone, with the identifier check bypassed, keeps values inert:
// a real sh parses the quoted argv and prints each value back verbatim,
// and the marker file is never created.
func TestQuotingKeepsUncheckedValuesInert(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "pwned")
	values := []string{
		"x; touch " + marker, "$(touch " + marker + ")", "`touch " + marker + "`", "' ; touch " + marker + " ; '",
		`" ; touch ` + marker + ` ; "`, "a\ntouch " + marker, "-rf", "${IFS}touch${IFS}" + marker, "> " + marker, "| tee " + marker,
	}
	names := []string{PhService, PhVersion, PhProject, PhDatabase, PhColour, PhDump}
	for i, v := range values {
		vals := map[string]string{}
		argv := []string{"printf", "%s\\0"}
		for _, n := range names {
			vals[n] = fmt.Sprintf("%s#%d", v, i)
			argv = append(argv, "{"+n+"}")
		}
		if _, err := fill(argv, vals); err == nil {
			t.Fatalf("fill accepted %q", v)
		}
		var o collect
		_, err := runStreamed(context.Background(), localShell{}, "local", testHosts["tb-app"], substitute(argv, vals), time.Minute, o.out, nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		got := strings.Split(strings.TrimSuffix(strings.Join(o.text("stdout"), "\n"), "\x00"), "\x00")
		if len(got) != len(names) {
			t.Fatalf("%q: got %d words back, want %d: %q", v, len(got), len(names), got)
		}
		for j, n := range names {
			if got[j] != vals[n] {
				t.Errorf("{%s}: printed %q, want %q", n, got[j], vals[n])
			}
		}
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("injection ran: %s exists (%v)", marker, err)
	}
}

func TestMissingAndContradictoryValuesRefused(t *testing.T) {
	c := seedCommands(&fakeRunner{})
	_, err := c.Plan(context.Background(), backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend",
		Params: map[string]string{"project": "chat"}, Actor: operator()})
	if err == nil || !strings.Contains(err.Error(), "needs a value for {version}") {
		t.Errorf("missing version: %v", err)
	}
	_, err = c.Plan(context.Background(), backend.Action{Kind: backend.ActKindCommand, Target: "switch-traffic",
		Params: map[string]string{"colour": "green"}, Actor: operator()})
	if err == nil || !strings.Contains(err.Error(), "{service}") {
		t.Errorf("missing service: %v", err)
	}
	// A rollback's service is its target; a different params service is refused.
	c.Specs = append(c.Specs, CommandSpec{Name: "rb-svc", Host: "tb-app", Argv: []string{"rb", "{service}"}})
	c.Rollbacks["chat-web"] = "rb-svc"
	_, err = c.Plan(context.Background(), backend.Action{Kind: backend.ActKindRollback, Target: "chat-web",
		Params: map[string]string{"service": "picture-backend"}, Actor: operator()})
	if err == nil {
		t.Error("rollback of chat-web with service=picture-backend was planned")
	}
	_, err = c.Plan(context.Background(), backend.Action{Kind: backend.ActKindCommand, Target: "nope", Actor: operator()})
	if err == nil || !strings.Contains(err.Error(), `no command "nope"`) {
		t.Errorf("unknown command: %v", err)
	}
}

func TestValidateRejectsBadConfig(t *testing.T) {
	c := &CommandExecutor{Hosts: testHosts, Specs: []CommandSpec{
		{Name: "typo", Host: "tb-app", Argv: []string{"x", "{verison}"}},
		{Name: "nohost", Host: "nowhere", Argv: []string{"x"}},
		{Name: "empty", Host: "tb-app"},
		{Name: "bad name", Host: "tb-app", Argv: []string{"x"}},
		{Name: "awk", Host: "tb-app", Argv: []string{"awk", "{print $1}"}},
	}, Rollbacks: map[string]string{"chat-backend": "missing"}}
	err := c.Validate()
	for _, want := range []string{"{verison}", `host "nowhere"`, "empty argv", `"bad name"`, `no command "missing"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %s", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "awk") {
		t.Errorf("braces that are no placeholder were refused: %v", err)
	}
}

func TestNonZeroExitReportsCodeAndLastStderrLines(t *testing.T) {
	f := &fakeRunner{answer: func([]string) reply {
		return reply{code: 3, stderr: []string{"e1", "e2", "e3", "e4", "e5", "e6", "e7"}}
	}}
	c := seedCommands(f)
	a := backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend",
		Params: map[string]string{"project": "chat", "version": "v1.5.2"}, Actor: operator()}
	p, _ := c.Plan(context.Background(), a)
	err := c.Execute(context.Background(), p, nil)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("err = %v, want ExitError 3", err)
	}
	if !strings.Contains(err.Error(), "exited with status 3: e3 | e4 | e5 | e6 | e7") || strings.Contains(err.Error(), "e2") {
		t.Errorf("err = %v, want status 3 and the last 5 stderr lines", err)
	}
}

func TestExecuteRefusesPlanThatChanged(t *testing.T) {
	f := &fakeRunner{}
	c := seedCommands(f)
	a := backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend",
		Params: map[string]string{"project": "chat", "version": "v1.5.2"}, Actor: operator()}
	p, _ := c.Plan(context.Background(), a)
	c.Specs[0].Argv = []string{"./scripts/other.sh", "{project}"} // config reloaded after the confirmation
	if err := c.Execute(context.Background(), p, nil); err == nil || !strings.Contains(err.Error(), "plan changed") {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 0 {
		t.Fatalf("ran %q", f.argvs())
	}
}

func TestCancelReturnsContextError(t *testing.T) {
	f := &fakeRunner{answer: func([]string) reply { return reply{block: true} }}
	c := seedCommands(f)
	a := backend.Action{Kind: backend.ActKindCommand, Target: "switch-traffic",
		Params: map[string]string{"colour": "blue", "service": "chat-web"}, Actor: operator()}
	p, _ := c.Plan(context.Background(), a)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.Execute(ctx, p, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

type recordingExecutor struct{ planned, executed int }

func (r *recordingExecutor) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	r.planned++
	return backend.Plan{Action: a, Steps: []string{"docker"}}, nil
}

func (r *recordingExecutor) Execute(context.Context, backend.Plan, func(backend.OutputLine)) error {
	r.executed++
	return nil
}

func TestRollbackWithoutCommandGoesToFallback(t *testing.T) {
	f := &fakeRunner{}
	c := seedCommands(f)
	a := backend.Action{Kind: backend.ActKindRollback, Target: "picture-backend", Actor: operator()}
	if _, err := c.Plan(context.Background(), a); err == nil || !strings.Contains(err.Error(), "no rollback command") {
		t.Fatalf("without fallback: %v", err)
	}
	fb := &recordingExecutor{}
	c.Fallback = fb
	p, err := c.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Execute(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	if fb.planned != 1 || fb.executed != 1 || len(f.calls) != 0 {
		t.Fatalf("fallback planned %d executed %d, ssh ran %d", fb.planned, fb.executed, len(f.calls))
	}
}

// R asks for the service alone: a rollback command gets its {project}
// from the config and its {version} from the versions seen before,
// offered in the confirmation with the one before as the default; a
// version chosen there is the one run.
func TestRollbackCommandOffersTheVersionsSeen(t *testing.T) {
	f := &fakeRunner{}
	c := seedCommands(f)
	c.Projects = map[string]string{"chat-backend": "chat"}
	c.Versions = func(service string) []backend.ParamOption {
		if service != "chat-backend" {
			return nil
		}
		return []backend.ParamOption{{Param: "version", Value: "v1.5.2", Label: "v1.5.2 · ran until …"}, {Param: "version", Value: "v1.5.1"}}
	}
	a := backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend", Actor: operator()}
	p, err := c.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "steps", p.Steps, []string{"tb-app (deploy@127.0.0.1:2222): ./scripts/rollback.sh chat v1.5.2 (timeout 5m0s)"})
	if len(p.Options) != 2 || p.Action.Params["version"] != "v1.5.2" || a.Params != nil {
		t.Fatalf("options %+v, params %v (the caller's %v)", p.Options, p.Action.Params, a.Params)
	}
	a.Params = map[string]string{"version": "v1.5.1"}
	p, err = c.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Execute(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "argv", f.argvs()[0], []string{"./scripts/rollback.sh", "chat", "v1.5.1"})
}
