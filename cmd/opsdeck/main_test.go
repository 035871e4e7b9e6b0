package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
)

// env is a getenv of vars. Without a config a test opens the demo fleet,
// not a Docker engine the machine happens to run: OPSDECK_DEMO is set
// unless vars says otherwise.
func env(vars map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := vars[k]; ok || k != "OPSDECK_DEMO" {
			return v
		}
		return "1"
	}
}

func runCLI(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

// parseFlags parses a console command line as opsdeck does, without
// running it, and returns what build gets.
func parseFlags(args []string, _ io.Writer) (flags, error) {
	c := &cli{stdout: io.Discard, stderr: io.Discard, getenv: env(nil)}
	err := c.rootCommand().ParseFlags(args)
	return c.f, err
}

// A snapshot goreleaser built where it could not read git stamps "none"
// for the commit: it is left out.
func TestVersionWithoutCommit(t *testing.T) {
	version, commit, date = "0.0.1-next", "none", "2026-12-02T06:00:58Z"
	defer func() { version, commit, date = "", "", "" }()
	if got := versionString(nil); got != "0.0.1-next (2026-12-02T06:00:58Z)" {
		t.Fatalf("got %q", got)
	}
}

func TestVersionFromLinker(t *testing.T) {
	version, commit, date = "v1.2.3", "abc123", "2026-11-26"
	defer func() { version, commit, date = "", "", "" }()
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		code, out, errOut := runCLI(t, env(nil), args...)
		if code != 0 || out != "opsdeck v1.2.3 (abc123, 2026-11-26)\n" || errOut != "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// Without ldflags the version is what the Go toolchain recorded: the
// module version of go install …@v1.2.3, the pseudo-version, commit and
// time of go build in a checkout; "(devel)" only when there is nothing.
func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	cases := []struct {
		info *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3", Sum: "h1:x"}}, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202051256-b9f341ba79f4"},
			Settings: vcs("vcs.revision", "b9f341ba79f47c06d75e8e83d22897fa71338114", "vcs.time", "2026-12-02T05:12:56Z", "vcs.modified", "false")},
			"v0.0.0-20261202051256-b9f341ba79f4 (b9f341ba79f4, 2026-12-02T05:12:56Z)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202051256-b9f341ba79f4+dirty"},
			Settings: vcs("vcs.revision", "b9f341ba79f47c06d75e8e83d22897fa71338114", "vcs.time", "2026-12-02T05:12:56Z", "vcs.modified", "true")},
			"v0.0.0-20261202051256-b9f341ba79f4+dirty (b9f341ba79f4-dirty, 2026-12-02T05:12:56Z)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.time", "2026-12-02T05:12:56Z")}, "(devel) (2026-12-02T05:12:56Z)"},
		{nil, "(devel)"},
	}
	for _, c := range cases {
		if got := versionString(c.info); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

// A mistyped command, a stray argument or an unknown flag is an error
// with exit status 2 and a hint, never the console (which, without a
// terminal, would fail differently).
func TestUsageErrorsExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"statsu"}, `unknown command "statsu" for "opsdeck" — did you mean "status"?`},
		{[]string{"--seed", "1", "stauts"}, `did you mean "status"?`},
		{[]string{"config", "valdiate"}, `unknown command "valdiate" for "opsdeck config" — did you mean "validate"?`},
		{[]string{"completion", "bosh"}, `did you mean "bash"?`},
		{[]string{"help", "chek"}, `unknown command "chek" for "opsdeck" — did you mean "check"?`},
		{[]string{"status", "now"}, `opsdeck status takes no arguments, got "now"`},
		{[]string{"--nope"}, "unknown flag: --nope"},
		{[]string{"status", "--format", "yaml"}, `--format "yaml": use table, json or markdown`},
		{[]string{"status", "--log-level", "loud"}, `--log-level "loud": use debug, info, warn, error`},
		{[]string{"serve", "--max-sessions", "0"}, "--max-sessions must be at least 1"},
		{[]string{"serve", "--idle-timeout", "-1s"}, "--idle-timeout -1s: must be 0 (never) or more"},
		{[]string{"check", "--timeout", "0s"}, "--timeout 0s: must be more than 0"},
		{[]string{"check", "--timeout", "-1s", "--json"}, "--timeout -1s: must be more than 0"},
		{[]string{"status", "--json", "--format", "table"}, "--json and --format table: choose one"},
		{[]string{"status", "--format", "markdown", "--json"}, "--json and --format markdown: choose one"},
		{[]string{"xyzzy"}, `unknown command "xyzzy" for "opsdeck"` + "\n"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, env(map[string]string{"HOME": t.TempDir()}), c.args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "--help' for usage.") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}

// Help is on stdout with exit 0, in GNU style, every flag with its
// environment variable where it has one, and the exit statuses.
func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, errOut := runCLI(t, env(nil), args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for _, want := range []string{"--config", "env OPSDECK_CONFIG", "--log-level", "env OPSDECK_LOG_LEVEL",
			"--cpuprofile", "env OPSDECK_CPUPROFILE", "--no-color", "env NO_COLOR", "--theme", "env OPSDECK_THEME", "status", "check", "serve", "config", "completion",
			"3 a source could not be reached"} {
			// fang wraps the text to the terminal's width.
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, out)
			}
		}
		if strings.Contains(out, " -config") {
			t.Errorf("%v: single-dash flags in the help:\n%s", args, out)
		}
	}
	// A command's help, either way, lists its own flags and the shared ones.
	for _, args := range [][]string{{"status", "--help"}, {"help", "status"}} {
		code, out, _ := runCLI(t, env(nil), args...)
		for _, want := range []string{"--json", "--format", "--config", "--seed", "--log-level", "Exit status: 0 healthy"} {
			if code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%v: exit %d, help lacks %q:\n%s", args, code, want, out)
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{exitStatus(1), 1},
		{exitStatus(3), 3},
		{usageError{msg: "x"}, 2},
		{configError{errors.New("x")}, 2},
		{fmt.Errorf("wrapped: %w", configError{errors.New("x")}), 2},
		{errors.New("the server failed"), 1},
	}
	for _, c := range cases {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("%v: %d, want %d", c.err, got, c.want)
		}
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "opsdeck.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConfig = `environment: staging
projects:
  - name: chat
    services:
      - component: backend
sources:
  simulator: {seed: 7}
`

// TestBadConfigNeverStartsTheUI: every bad config exits 2 with
// file:line:col before any terminal handling happens (the tests have no
// terminal, so reaching the UI would fail differently).
func TestBadConfigNeverStartsTheUI(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"syntax":       {"environment: [\n", ":1:"},
		"unknown key":  {goodConfig + "colour: red\n", ":8:1: "},
		"wrong type":   {strings.Replace(goodConfig, "seed: 7", "seed: abc", 1), ":7:21: sources.simulator.seed"},
		"missing":      {"projects: []\nsources: {simulator: {}}\n", ":1:1: "},
		"bad binding":  {goodConfig + "keys:\n  explode: [x]\n", `:9:3: unknown key binding "explode"`},
		"key conflict": {goodConfig + "keys:\n  restart: [q]\n", `key "q" is bound to both quit and restart`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, c.body)
			code, out, errOut := runCLI(t, env(nil), "--config", path)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, c.want) || out != "" {
				t.Fatalf("stderr %q lacks %q", errOut, c.want)
			}
			if name != "key conflict" && !strings.HasPrefix(errOut, path+":") {
				t.Fatalf("config errors must start with the file name: %q", errOut)
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	path := writeConfig(t, goodConfig)
	f, _ := parseFlags(nil, &bytes.Buffer{})
	a, err := build(f, env(map[string]string{"OPSDECK_CONFIG": path}))
	if err != nil {
		t.Fatal(err)
	}
	if a.cfg.Environment != "staging" || a.cfg.File != path {
		t.Fatalf("loaded %q from %q", a.cfg.Environment, a.cfg.File)
	}
}

func TestDemoWiringAndSeed(t *testing.T) {
	clock := "2026-11-26T12:00:00Z"
	snapshot := func(seed string) string {
		f, err := parseFlags([]string{"--seed", seed, "--clock", clock, "--read-only"}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := build(f, env(map[string]string{"HOME": t.TempDir()}))
		if err != nil {
			t.Fatal(err)
		}
		if !a.ui.ReadOnly {
			t.Fatal("read-only flag not wired")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s := a.poller.Once(ctx)
		if !s.Demo || len(s.Services) != 15 || len(s.Sources) != 2 {
			t.Fatalf("demo fleet: demo=%v services=%d sources=%d", s.Demo, len(s.Services), len(s.Sources))
		}
		svc, _ := s.Service("chat-backend")
		return fmt.Sprint(svc.Metrics.RPS)
	}
	a, b, c := snapshot("1"), snapshot("1"), snapshot("2")
	if a != b {
		t.Fatalf("same seed and clock gave %s and %s", a, b)
	}
	if a == c {
		t.Fatalf("different seeds gave the same figure %s", a)
	}
}

func TestComposeOverrides(t *testing.T) {
	path := writeConfig(t, `environment: x
projects:
  - name: chat
    services:
      - {component: backend, name: chat-api, compose: chatstack/api}
      - {component: web}
sources: {simulator: {}}
`)
	f, _ := parseFlags([]string{"--config", path}, &bytes.Buffer{})
	a, err := build(f, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	resolve := composeOverrides(a.cfg)
	if name, comp, ok := resolve("chatstack", "api"); !ok || name != "chat-api" || comp != "backend" {
		t.Fatalf("override: %q %q %v", name, comp, ok)
	}
	if _, _, ok := resolve("chat", "web"); ok {
		t.Fatal("services without compose: must fall back to the default naming")
	}
}

func TestNoColor(t *testing.T) {
	if p, pinned := colorProfile(flags{noColor: true}, env(nil)); !pinned || p != colorprofile.Ascii {
		t.Fatalf("--no-color: %v %v", p, pinned)
	}
	if p, pinned := colorProfile(flags{}, env(map[string]string{"NO_COLOR": "1"})); !pinned || p != colorprofile.Ascii {
		t.Fatalf("NO_COLOR: %v %v", p, pinned)
	}
	if _, pinned := colorProfile(flags{}, env(nil)); pinned {
		t.Fatal("without either the terminal's profile must be detected")
	}
}

// The console runs on one P, unless GOMAXPROCS in the environment says
// otherwise; the previous setting comes back when it ends.
func TestConsoleProcs(t *testing.T) {
	prev := runtime.GOMAXPROCS(2) // a known starting point, whatever the machine
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })

	restore := consoleProcs(func(string) string { return "" })
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("console runs on %d Ps, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("after the console %d Ps, want the 2 before it", got)
	}
	restore = consoleProcs(func(k string) string {
		if k == "GOMAXPROCS" {
			return "2"
		}
		return ""
	})
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("GOMAXPROCS=2 in the environment, console on %d Ps", got)
	}
	restore()
}

// --demo opens the demo whatever is found, and is a usage error beside a
// config named on the command line; $OPSDECK_DEMO yields to a named one.
func TestDemoFlag(t *testing.T) {
	path := writeConfig(t, goodConfig)
	code, _, errOut := runCLI(t, env(nil), "status", "--demo", "--config", path)
	if code != 2 || !strings.Contains(errOut, "--demo and --config: choose one") {
		t.Fatalf("--demo --config: exit %d, %q", code, errOut)
	}
	f, _ := parseFlags([]string{"--demo"}, &bytes.Buffer{})
	a, err := build(f, env(map[string]string{"OPSDECK_DEMO": "", "OPSDECK_CONFIG": path}))
	if err != nil {
		t.Fatal(err)
	}
	if a.cfg.Environment != "production" || a.cfg.Sources.Simulator == nil {
		t.Fatalf("--demo loaded %q from %q", a.cfg.Environment, a.cfg.File)
	}
	f, _ = parseFlags(nil, &bytes.Buffer{})
	if a, err = build(f, env(map[string]string{"OPSDECK_DEMO": "1", "OPSDECK_CONFIG": path})); err != nil || a.cfg.Environment != "staging" {
		t.Fatalf("OPSDECK_DEMO beside OPSDECK_CONFIG: %v %q", err, a.cfg.Environment)
	}
}
