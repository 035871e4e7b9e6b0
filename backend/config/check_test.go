package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// On every case of testdata/bad.txt, Parse's error is Check's problems,
// word for word and in the same order: the console's start and `opsdeck
// config validate` report a file the same way.
func TestParseReportsWhatCheckFinds(t *testing.T) {
	for _, c := range readBadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.yaml))
			cfg, problems := Check("bad.yaml", []byte(c.yaml))
			if cfg != nil || len(problems) == 0 {
				t.Fatalf("Check found nothing wrong (config %v)", cfg != nil)
			}
			var ps Problems
			if !errors.As(err, &ps) || !reflect.DeepEqual([]*Error(ps), problems) {
				t.Fatalf("Parse's error\n%v\nis not Check's problems\n%v", err, Problems(problems))
			}
		})
	}
}

// A file with several problems gets all of them, in file order, each at
// its own line and column.
func TestCheckListsEveryProblem(t *testing.T) {
	body := `environment: production
thresholds:
  p95_target: fast
projects:
  - name: Chat
    services:
      - component: backend
        helth_url: http://127.0.0.1:1/health
sources:
  simulator: {interval: 2s, timeout: 5s}
  prometheus: {url: "http://127.0.0.1:9090", intervall: 5s}
colour: red
`
	cfg, problems := Check("c.yaml", []byte(body))
	if cfg != nil {
		t.Fatal("a config with problems was returned")
	}
	want := []string{
		`c.yaml:3:15: p95_target: "fast" is not a duration`,
		`c.yaml:5:11: project name "Chat" is not allowed`,
		`c.yaml:8:9: unknown key "helth_url" in projects[0].services[0]; did you mean "health_url"?`,
		`c.yaml:10:38: timeout 5s is longer than interval 2s`,
		`c.yaml:11:46: unknown key "intervall" in sources.prometheus; did you mean "interval"?`,
		`c.yaml:12:1: unknown key "colour" at the top level`,
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	if len(got) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n  got  %s\n  want %s…", i+1, got[i], want[i])
		}
	}
}

// A value of the wrong kind does not stop the check: every one is
// reported, quoted numbers and booleans among them, with key clashes and
// what the builder finds in the rest of the file; and nothing about the
// gap a wrong value leaves (no "environment is required" for an
// environment that is a list).
func TestCheckGoesOnPastWrongValues(t *testing.T) {
	body := `environment: [production]
thresholds: {memory_pct: "80", cpu_pct: 70, cpu_pct: 75}
projects:
  - name: chat
    services: {component: backend}
  - name: Notes
    services:
      - component: web
        health_url: [http://notes]
sources:
  simulator:
    seed: "7"
    interval: fast
    profiles:
      notes-web: {rps: "300", down: "true"}
  ssh: {known_hosts: /k, agent: "false"}
  prometheus: 3
`
	want := []string{
		`c.yaml:1:14: environment: expected a single value, got a list`,
		`c.yaml:2:26: thresholds.memory_pct: "80" is a string; write 80 without quotes`,
		`c.yaml:2:45: duplicate key "cpu_pct" in thresholds: already defined at [2:32]; give each key once`,
		`c.yaml:5:15: projects[0].services: expected a list, got a mapping`,
		`c.yaml:6:11: project name "Notes" is not allowed`,
		`c.yaml:9:21: projects[1].services[0].health_url: expected a single value, got a list`,
		`c.yaml:12:11: sources.simulator.seed: "7" is a string; write 7 without quotes`,
		`c.yaml:13:15: interval: "fast" is not a duration`,
		`c.yaml:15:7: profile "notes-web" matches no configured service`,
		`c.yaml:15:24: sources.simulator.profiles.notes-web.rps: "300" is a string; write 300 without quotes`,
		`c.yaml:15:37: sources.simulator.profiles.notes-web.down: "true" is a string; write true without quotes`,
		`c.yaml:16:33: sources.ssh.agent: "false" is a string; write false without quotes`,
		`c.yaml:17:15: sources.prometheus: expected a mapping (key: value lines), got 3`,
	}
	cfg, problems := Check("c.yaml", []byte(body))
	if cfg != nil {
		t.Fatal("a config with problems was returned")
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	if len(got) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n  got  %s\n  want %s…", i+1, got[i], want[i])
		}
	}
}

// An alias (*name) is checked as what it stands for: at the alias when it
// is of the wrong kind, inside the anchor otherwise; so is a merge (<<).
func TestCheckLooksThroughAliasesAndMerges(t *testing.T) {
	head := "environment: &env production\nprojects:\n  - name: chat\n    services:\n      - component: backend\n"
	for name, c := range map[string]struct{ yaml, want string }{
		"alias of the wrong kind": {"sources: {simulator: {seed: *env}}\n",
			`c.yaml:6:29: sources.simulator.seed: expected a whole number, got "production" (from *env)`},
		"quoted inside an anchor": {"sources:\n  simulator:\n    profiles:\n      chat-backend: &p {rps: \"1\"}\n      chat: *p\n",
			`c.yaml:9:30: sources.simulator.profiles.chat-backend.rps: "1" is a string; write 1 without quotes`},
		"quoted inside a merge": {"sources: {simulator: {profiles: {chat-backend: {<<: {rps: \"1\"}, p95_ms: 3}}}}\n",
			`c.yaml:6:59: sources.simulator.profiles.chat-backend.rps: "1" is a string; write 1 without quotes`},
	} {
		_, problems := Check("c.yaml", []byte(head+c.yaml))
		var got []string
		for _, p := range problems {
			got = append(got, p.Error())
		}
		if !slices.Contains(got, c.want) {
			t.Errorf("%s: problems\n%s\nwant among them\n%s", name, strings.Join(got, "\n"), c.want)
		}
	}
}

// Problems reads at most MaxProblems of them, then how many more there are.
func TestProblemsStopAtTwenty(t *testing.T) {
	var body strings.Builder
	body.WriteString("environment: production\nprojects:\n  - name: chat\n    services:\n      - component: backend\nsources:\n  simulator:\n    profiles:\n      chat-backend:\n")
	for _, f := range []string{"rps", "error_rate_pct", "p95_ms", "cpu_pct", "memory_pct", "slow_query_ms"} {
		fmt.Fprintf(&body, "        %s: \"1\"\n", f)
	}
	for i := range 19 {
		fmt.Fprintf(&body, "  unknown%d: 1\n", i)
	}
	_, err := Parse("c.yaml", []byte(body.String()))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 25 {
		t.Fatalf("want 25 problems, got %d:\n%v", len(ps), err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxProblems+1 || lines[MaxProblems] != "… and 5 more problems" || lines[0] != ps[0].Error() || lines[MaxProblems-1] != ps[MaxProblems-1].Error() {
		t.Fatalf("%d lines:\n%s", len(lines), err)
	}
}

// A good file gives the same config as Parse and no problems.
func TestCheckAcceptsWhatParseAccepts(t *testing.T) {
	for _, body := range []string{minimal, string(defaultYAML)} {
		want, err := Parse("ok.yaml", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		got, problems := Check("ok.yaml", []byte(body))
		if len(problems) > 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("problems %v; same config: %v", problems, reflect.DeepEqual(got, want))
		}
	}
}

func ExampleCheck() {
	_, problems := Check("fleet.yaml", []byte("environment: prod\nprojects: []\nsourcs: {}\n"))
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// fleet.yaml:1:1: sources: configure at least one source to poll (docker, prometheus, alertmanager), or sources: {simulator: {}} for the demo fleet
	// fleet.yaml:2:11: projects: list at least one project, e.g.  - name: chat (with sources.docker, the engine's compose projects are the projects)
	// fleet.yaml:3:1: unknown key "sourcs" at the top level; did you mean "sources"? (valid keys: environment, thresholds, projects, databases, dependencies, sources, actions, deployments, contacts, keys, theme)
}
