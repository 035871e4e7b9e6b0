package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func runCLI(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	version, commit, date = "v1.2.3", "abc123", "2026-11-26"
	defer func() { version, commit, date = "dev", "", "" }()
	code, out, _ := runCLI(t, env(nil), "--version")
	if code != 0 || out != "opsdeck v1.2.3 (abc123, 2026-11-26)\n" {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestBadFlagExits2(t *testing.T) {
	if code, _, _ := runCLI(t, env(nil), "--nope"); code != exitUsage {
		t.Fatalf("code %d", code)
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
