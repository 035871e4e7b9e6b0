//go:build unix

package e2e

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// cmdTimeout bounds one run of a non-interactive command: the demo's
// sources answer in microseconds, a closed port refuses at once.
const cmdTimeout = 30 * time.Second

// result is one run of the binary without a terminal, as cron runs it.
type result struct {
	code           int
	stdout, stderr string
}

// copyWorkTree copies the files git sees in the work tree at root (tracked
// or not ignored) over the checkout at dst.
func copyWorkTree(t *testing.T, root, dst string) {
	t.Helper()
	list, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(filepath.Join(dst, name)) // deleted here, not yet in a commit
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runOpsdeck runs the binary with args, stdin /dev/null and no terminal,
// in a fresh home (HOME, XDG dirs), on the demo fleet when no config is
// named, and none of the test's OPSDECK_* variables; env is added last.
func runOpsdeck(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, opsdeck, args...)
	home := t.TempDir()
	// OPSDECK_DEMO: the demo fleet rather than a Docker engine this
	// machine happens to run, unless env clears it or a --config is given.
	cmd.Env = append([]string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "PATH=" + os.Getenv("PATH"), "OPSDECK_DEMO=1"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("opsdeck %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("opsdeck %s did not end within %s", strings.Join(args, " "), cmdTimeout)
	}
	return result{code, stdout.String(), stderr.String()}
}

// A typo, from cron or a shell: an error with a suggestion and exit 2,
// never the console (whose failure without a terminal was the only
// message before).
func TestTypoIsAnErrorNotTheConsole(t *testing.T) {
	for _, args := range [][]string{{"statsu"}, {"--seed", "1", "stauts"}, {"verison"}} {
		r := runOpsdeck(t, nil, args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "did you mean") || strings.Contains(r.stderr, "TTY") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := runOpsdeck(t, nil, "--seed", "1", "status"); r.code != 1 || !strings.Contains(r.stdout, "opsdeck status · production (DEMO") {
		t.Errorf("--seed before the command: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"status", "--help"}, {"help", "serve"}} {
		r := runOpsdeck(t, nil, args...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "--config") || !strings.Contains(r.stdout, "env OPSDECK_CONFIG") {
			t.Errorf("%v: exit %d, stderr %q, stdout:\n%s", args, r.code, r.stderr, r.stdout)
		}
	}
}

// A `go build` without ldflags prints what the toolchain recorded, never
// "dev": in a git checkout the pseudo-version, commit and commit time.
func TestVersionWithoutLdflags(t *testing.T) {
	r := runOpsdeck(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "opsdeck ") || strings.Contains(r.stdout, "dev\n") {
		t.Fatalf("exit %d, %q", r.code, r.stdout)
	}
	t.Logf("the test binary (built here, in a git worktree Go does not stamp): %s", strings.TrimSpace(r.stdout))

	// A clone is what `go build` in a user's checkout sees (Go stamps no
	// git worktree); the files of this one are copied over it, so the code
	// under test is the code here, committed or not.
	if testing.Short() {
		t.Skip("clones and builds opsdeck once more")
	}
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("not in a git checkout: %v", err)
	}
	root := strings.TrimSpace(string(out))
	head, err := exec.Command("git", "log", "-1", "--format=%H %cI").Output()
	if err != nil {
		t.Fatal(err)
	}
	hash, when, _ := strings.Cut(strings.TrimSpace(string(head)), " ")
	committed, err := time.Parse(time.RFC3339, when)
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "opsdeck")
	start := time.Now()
	if out, err := exec.Command("git", "clone", "--quiet", "--no-checkout", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	if out, err := exec.Command("git", "-C", clone, "checkout", "--quiet", hash).CombinedOutput(); err != nil {
		t.Fatalf("git checkout: %v\n%s", err, out)
	}
	copyWorkTree(t, root, clone)
	bin := filepath.Join(t.TempDir(), "opsdeck")
	// Built as releases are (CGO off, -trimpath): the packages are then
	// keyed by their content, not the clone's path, and the build cache
	// shares them with scripts/package-check's build of the same code.
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=true", "-o", bin, "./cmd/opsdeck")
	build.Dir = clone
	build.Env = append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0") // GOFLAGS as on a user's machine, whatever this one sets
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("clone and build: %s", time.Since(start).Round(time.Second))
	out, err = exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	// "-dirty" when this checkout has changes not committed yet.
	commitRE := regexp.MustCompile(`^opsdeck v0\.0\.0-\d{14}-` + hash[:12] + `(\+dirty)? \(` + hash[:12] + `(-dirty)?, ` +
		regexp.QuoteMeta(committed.UTC().Format(time.RFC3339)) + `\)\n$`)
	if !commitRE.Match(out) {
		t.Fatalf("--version of a build in a clone at %s: %q, want %s", hash[:12], out, commitRE)
	}
	t.Logf("in a clone: %s", strings.TrimSpace(string(out)))
}

// The completion scripts are valid shell; bash's, sourced, completes a
// command from its first letters by asking the binary itself.
func TestCompletionScripts(t *testing.T) {
	scripts := map[string]string{}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runOpsdeck(t, nil, "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, "opsdeck") || r.stderr != "" {
			t.Fatalf("completion %s: exit %d, stderr %q", shell, r.code, r.stderr)
		}
		path := filepath.Join(t.TempDir(), "opsdeck."+shell)
		if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		scripts[shell] = path
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if _, err := exec.LookPath(shell); err != nil {
			if shell == "bash" {
				t.Fatal("bash is not installed")
			}
			t.Logf("%s is not installed: its script is not syntax-checked", shell)
			continue
		}
		if out, err := exec.Command(shell, "-n", scripts[shell]).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", shell, err, out)
		}
	}
	// The script completes with bash-completion's helpers (Debian's
	// bash-completion package); without it, with the one helper it needs
	// defined as bash-completion defines it for a word without "=" or ":".
	helpers := "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(helpers); err != nil {
		t.Logf("%s is not installed: completing with a stand-in for _get_comp_words_by_ref", helpers)
		helpers = filepath.Join(t.TempDir(), "helpers.bash")
		stub := `_get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }`
		if err := os.WriteFile(helpers, []byte(stub+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	complete := `source "$1" && source "$2" && complete -p opsdeck >/dev/null &&
COMP_WORDS=(opsdeck sta); COMP_CWORD=1; COMP_LINE="opsdeck sta"; COMP_POINT=${#COMP_LINE}
__start_opsdeck opsdeck sta opsdeck && printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "-c", complete, "bash", helpers, scripts["bash"])
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(opsdeck)+":"+os.Getenv("PATH"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // compopt says it is not in a completion: it is not, we call it
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "status" {
		t.Fatalf("completing `opsdeck sta`: %v, %q (stderr %q)", err, out, stderr.String())
	}
}

// opsdeck man is a man page man(1) renders, with the sections the issue
// asks for.
func TestManPage(t *testing.T) {
	r := runOpsdeck(t, nil, "man")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := exec.LookPath("man"); err != nil {
		t.Fatal("man is not installed")
	}
	cmd := exec.Command("man", "-l", "-")
	cmd.Stdin = strings.NewReader(r.stdout)
	cmd.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=100")
	out, err := cmd.CombinedOutput()
	// man justifies its lines, so words may stand two spaces apart
	// ("3:  status:"); compare words, not spacing.
	page := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"NAME", "opsdeck - A terminal operations console", "COMMANDS", "status", "EXIT STATUS",
		"3: status: a source could not be reached", "ENVIRONMENT", "OPSDECK_CONFIG", "FILES", "opsdeck.log"} {
		if err != nil || !strings.Contains(page, want) {
			t.Fatalf("man -l: %v; the page lacks %q:\n%s", err, want, page)
		}
	}
}

// The exit statuses of status and check on the binary, each from a real
// situation: the demo fleet (degraded: alerts fire), a quiet simulated
// fleet, a config that does not load, Prometheus on a loopback port
// nothing listens on.
func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	closed := closedPort(t)
	quiet := `environment: quiet
projects:
  - name: chat
    services:
      - {component: backend, health_url: "http://chat.invalid/health"}
sources:
  simulator:
    profiles:
      chat-backend: {rps: 10, error_rate_pct: 0.1, p95_ms: 100, cpu_pct: 10, memory_pct: 20}
`
	healthy := write("quiet.yaml", quiet)
	bad := write("bad.yaml", "environment: production\nprojects: []\nsourcse: {}\n")
	unreachable := write("unreachable.yaml", strings.Replace(quiet, "  simulator:", "  prometheus: {url: \"http://"+closed+"\"}\n  simulator:", 1))
	deadHealth := write("dead.yaml", strings.Replace(strings.Replace(quiet, "chat.invalid", closed, 1),
		"  simulator:", "  prometheus: {url: \"http://"+closed+"\"}\n  simulator:", 1))
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"status"}, 1, "High Memory Usage (85% > 80%)", ""},
		{[]string{"status", "--config", healthy, "--json"}, 0, `"schema_version": 1`, ""},
		{[]string{"status", "--config", bad}, 2, "", bad + ":3:1: unknown key \"sourcse\" at the top level; did you mean \"sources\"?"},
		{[]string{"status", "--config", unreachable}, 3, "connection refused", `level=WARN msg="source failing" source=prometheus`},
		{[]string{"check"}, 0, "5/5 passed", ""},
		{[]string{"check", "--config", bad}, 2, "", bad + ":3:1:"},
		{[]string{"check", "--config", deadHealth, "--json", "--timeout", "2s"}, 3, `"error": "connection refused"`, ""},
	}
	for _, c := range cases {
		r := runOpsdeck(t, nil, c.args...)
		if r.code != c.code || !strings.Contains(r.stdout, c.stdout) || !strings.Contains(r.stderr, c.stderr) || (c.stderr == "" && r.stderr != "") {
			t.Errorf("%v: exit %d (want %d)\nstdout %s\nstderr %s", c.args, r.code, c.code, r.stdout, r.stderr)
		}
	}
}

// closedPort is a loopback address nothing listens on (it was free a
// moment ago, and nothing here reuses it).
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestConfigCommands(t *testing.T) {
	r := runOpsdeck(t, nil, "config", "path")
	if r.code != 0 || !strings.Contains(r.stdout, "the console runs the demo fleet") || !strings.Contains(r.stdout, filepath.Join("state", "opsdeck", "opsdeck.log")) {
		t.Errorf("config path: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	example := filepath.Join(moduleDir(t), "testdata", "fleet.example.yaml")
	if r := runOpsdeck(t, nil, "config", "validate", example); r.code != 0 || r.stdout != example+": ok (2 projects, 5 services)\n" {
		t.Errorf("config validate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	shipped, err := os.ReadFile(filepath.Join(moduleDir(t), "docs", "schema", "config.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r := runOpsdeck(t, nil, "config", "schema"); r.code != 0 || r.stdout != string(shipped) {
		t.Errorf("config schema: exit %d, differs from docs/schema/config.schema.json", r.code)
	}
}

// The console logs to its log file, never to the terminal it owns: at
// debug level every fetch is in the file, and nothing reached stderr or
// the screen.
func TestConsoleLogsToTheFileOnly(t *testing.T) {
	state := t.TempDir()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Args: []string{"--log-level", "debug"}, Env: []string{"XDG_STATE_HOME=" + state}})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	logPath := filepath.Join(state, "opsdeck", "opsdeck.log")
	c.Until("a fetch in the log file", tuitest.ConsoleWait, func(string) bool {
		data, _ := os.ReadFile(logPath)
		return hasLine(string(data), "level=DEBUG msg=fetch", " source=docker took=")
	})
	screen := c.Screen()
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{`msg="console start"`, "config=\"(embedded default)\"", `msg="console stop"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s:\n%s", want, log)
		}
	}
	if strings.Contains(screen, "level=") || c.Stderr() != "" {
		t.Errorf("a log line reached the terminal or stderr:\nstderr %q\n%s", c.Stderr(), screen)
	}
}

// moduleDir is the root of the module under test.
func moduleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// hasLine reports whether some line of log holds every one of parts.
func hasLine(log string, parts ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
