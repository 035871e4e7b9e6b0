package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/jsoncheck"
	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/backend/testbed"
)

// quietConfig is a simulated fleet with nothing wrong: no alerts, every
// figure well under its threshold, one health check.
const quietConfig = `environment: quiet
projects:
  - name: chat
    services:
      - {component: backend, health_url: "http://chat.invalid/health"}
sources:
  simulator:
    seed: 3
    profiles:
      chat-backend: {rps: 10, error_rate_pct: 0.1, p95_ms: 100, cpu_pct: 10, memory_pct: 20}
`

// The four exit statuses of status and check, each from a real situation:
// a healthy and a degraded simulated fleet, a config that does not load, a
// source (or a health URL) on a loopback port nothing listens on.
func TestStatusAndCheckExitStatuses(t *testing.T) {
	home := env(map[string]string{"HOME": t.TempDir()})
	closed := "http://" + testbed.FreeAddr(t)
	unreachable := writeConfig(t, strings.Replace(quietConfig, "  simulator:", fmt.Sprintf("  prometheus: {url: %q}\n  simulator:", closed), 1))
	down := writeConfig(t, strings.Replace(quietConfig, "memory_pct: 20}", "memory_pct: 20, down: true}", 1))
	deadURL := writeConfig(t, strings.Replace(strings.Replace(quietConfig, "http://chat.invalid/health", closed+"/health", 1),
		"  simulator:", fmt.Sprintf("  prometheus: {url: %q}\n  simulator:", closed), 1))
	bad := writeConfig(t, "environment: [\n")
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"status", "--config", writeConfig(t, quietConfig)}, 0},
		{[]string{"status"}, 1}, // the demo fleet: a warning and an info alert fire
		{[]string{"status", "--config", bad}, 2},
		{[]string{"status", "--config", unreachable}, 3},
		{[]string{"check", "--config", writeConfig(t, quietConfig)}, 0},
		{[]string{"check", "--config", down}, 1}, // the simulator answers 503
		{[]string{"check", "--config", bad}, 2},
		{[]string{"check", "--config", deadURL, "--timeout", "2s"}, 3},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, home, c.args...)
		if code != c.want {
			t.Errorf("%v: exit %d, want %d\nstdout %s\nstderr %s", c.args, code, c.want, out, errOut)
		}
	}
}

// The JSON documents carry their schema version and satisfy the schemas
// --json-schema prints.
func TestJSONDocumentsMatchTheirSchemas(t *testing.T) {
	home := env(map[string]string{"HOME": t.TempDir()})
	for _, cmd := range []string{"status", "check"} {
		_, schema, _ := runCLI(t, home, cmd, "--json-schema")
		code, out, errOut := runCLI(t, home, cmd, "--json", "--clock", "2026-11-26T12:34:56Z")
		if code > 1 {
			t.Fatalf("%s: exit %d: %s", cmd, code, errOut)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s --json: %v\n%s", cmd, err, out)
		}
		if doc["schema_version"] != float64(report.SchemaVersion) {
			t.Errorf("%s: schema_version %v", cmd, doc["schema_version"])
		}
		problems, err := jsoncheck.Validate([]byte(schema), doc)
		if err != nil || len(problems) > 0 {
			t.Errorf("%s --json does not satisfy %s --json-schema: %v %s", cmd, cmd, err, strings.Join(problems, "\n"))
		}
	}
}

// --log-level debug shows every fetch and its timing on stderr; the
// default shows none, and the document on stdout is the same.
func TestStatusLogsFetchesAtDebug(t *testing.T) {
	home := env(map[string]string{"HOME": t.TempDir()})
	_, _, quiet := runCLI(t, home, "status", "--json")
	_, out, errOut := runCLI(t, home, "status", "--json", "--log-level", "debug")
	if quiet != "" {
		t.Errorf("stderr at the default level: %q", quiet)
	}
	if !hasLine(errOut, "level=DEBUG msg=fetch source=docker took=") || !hasLine(errOut, "level=DEBUG msg=fetch source=prometheus took=") {
		t.Errorf("no fetch lines at debug level:\n%s", errOut)
	}
	if !json.Valid([]byte(out)) {
		t.Errorf("stdout is not the JSON document:\n%s", out)
	}
}

// A secret in a source's URL reaches neither the log nor the report.
func TestNoSecretInLogOrReport(t *testing.T) {
	cfg := writeConfig(t, fmt.Sprintf(`environment: t
projects:
  - name: chat
    services: [{component: backend}]
sources:
  prometheus: {url: "http://opsdeck:s3cret-token@%s"}
`, testbed.FreeAddr(t)))
	code, out, errOut := runCLI(t, env(map[string]string{"HOME": t.TempDir()}), "status", "--json", "--log-level", "debug", "--config", cfg)
	if code != exitUnreachable || !strings.Contains(errOut, "source failing") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out+errOut, "s3cret") {
		t.Fatalf("the password is out:\nstdout %s\nstderr %s", out, errOut)
	}
}

func TestConfigPath(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "XDG_STATE_HOME": filepath.Join(home, "st")}
	code, out, _ := runCLI(t, env(vars), "config", "path")
	for _, want := range []string{
		"none found at " + filepath.Join(home, ".config", "opsdeck", "config.yaml") + ": the console runs the demo fleet",
		"audit log              " + filepath.Join(home, "st", "opsdeck", "audit.jsonl"),
		"incidents              " + filepath.Join(home, "st", "opsdeck", "incidents"),
		"log file               " + filepath.Join(home, "st", "opsdeck", "opsdeck.log"),
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d; lacks %q:\n%s", code, want, out)
		}
	}
	// The config's own state directory and audit log, when it names them.
	cfg := writeConfig(t, goodConfig+"actions: {state_dir: /srv/opsdeck, audit_log: /var/log/opsdeck-audit.jsonl}\n")
	_, out, _ = runCLI(t, env(vars), "config", "path", "--config", cfg)
	for _, want := range []string{"config                 " + cfg, "state                  /srv/opsdeck\n",
		"audit log              /var/log/opsdeck-audit.jsonl", "incidents              /srv/opsdeck/incidents"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	home := env(map[string]string{"HOME": t.TempDir()})
	good := writeConfig(t, goodConfig)
	if code, out, errOut := runCLI(t, home, "config", "validate", good); code != 0 || out != good+": ok (1 project, 1 service)\n" || errOut != "" {
		t.Fatalf("good config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// --config names the file as well.
	if code, _, _ := runCLI(t, home, "config", "validate", "--config", good); code != 0 {
		t.Fatalf("--config: exit %d", code)
	}
	bad := writeConfig(t, strings.Replace(goodConfig, "seed: 7", "seed: 7, intervall: 2s", 1)+"thresholds: {p95_target: fast}\n")
	code, out, errOut := runCLI(t, home, "config", "validate", bad)
	want := bad + `:7:24: unknown key "intervall" in sources.simulator; did you mean "interval"? (valid keys: seed, interval, timeout, profiles, action_step)
` + bad + `:8:26: p95_target: "fast" is not a duration; write a number with a unit, e.g. 500ms, 2s or 1m
` + bad + ": 2 problems\n"
	if code != exitUsage || out != "" || errOut != want {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
	}
	// A config that loads is checked further, as the console would: a key
	// rebinding the keymap refuses.
	conflict := writeConfig(t, goodConfig+"keys:\n  restart: [q]\n")
	code, _, errOut = runCLI(t, home, "config", "validate", conflict)
	if code != exitUsage || errOut != conflict+`: keys: key "q" is bound to both quit and restart`+"\n"+conflict+": 1 problem\n" {
		t.Fatalf("key conflict: exit %d, stderr %q", code, errOut)
	}
	// Past 20 problems, how many more there are; the count is of all.
	many := goodConfig
	for i := range 25 {
		many += fmt.Sprintf("unknown%d: 1\n", i)
	}
	manyPath := writeConfig(t, many)
	code, _, errOut = runCLI(t, home, "config", "validate", manyPath)
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if code != exitUsage || len(lines) != 22 || !strings.HasPrefix(lines[19], manyPath+":27:1: unknown key \"unknown19\"") ||
		lines[20] != "… and 5 more problems" || lines[21] != manyPath+": 25 problems" {
		t.Fatalf("25 problems: exit %d, stderr:\n%s", code, errOut)
	}
	// Nothing to validate, or a file that is not there: exit 2.
	if code, _, errOut := runCLI(t, home, "config", "validate"); code != exitUsage || !strings.Contains(errOut, "no config file to check") {
		t.Errorf("no file: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, home, "config", "validate", "/nonexistent.yaml"); code != exitUsage || !strings.Contains(errOut, "config file not found") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI(t, home, "config", "validate", good, good); code != exitUsage {
		t.Errorf("two files: exit %d", code)
	}
}

// config schema prints the schema the repository ships.
func TestConfigSchema(t *testing.T) {
	code, out, _ := runCLI(t, env(nil), "config", "schema")
	shipped, err := os.ReadFile("../../docs/schema/config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != string(config.SchemaJSON()) || out != string(shipped) {
		t.Fatalf("exit %d; printed schema differs from docs/schema/config.schema.json", code)
	}
}

// Every example config starts with the schema line editors read, and
// validates.
func TestExampleConfigsNameTheSchema(t *testing.T) {
	examples, _ := filepath.Glob("../../testdata/*.yaml")
	if len(examples) < 2 {
		t.Fatalf("examples: %v", examples)
	}
	for _, path := range examples {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(string(data), "\n"); first != "# yaml-language-server: $schema="+config.SchemaURL {
			t.Errorf("%s starts %q", path, first)
		}
		if code, _, errOut := runCLI(t, env(nil), "config", "validate", path); code != 0 {
			t.Errorf("%s: exit %d\n%s", path, code, errOut)
		}
	}
}

// opsdeck man documents every command, the exit statuses, the
// environment and the files.
func TestManPage(t *testing.T) {
	code, out, _ := runCLI(t, env(nil), "man")
	for _, want := range []string{".TH OPSDECK 1", ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES", "OPSDECK_CONFIG",
		`\fBstatus\fP`, `\fBcheck\fP`, `\fBserve\fP`, `\fBconfig\fP`, "opsdeck\\&.log"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d; the man page lacks %q", code, want)
		}
	}
}
