package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// On every case of testdata/bad.txt, the error Parse gives is one of
// Check's problems, word for word: both report a file the same way. (A
// case may have more than one problem, e.g. a misspelt required key.)
func TestCheckStartsWithParsesError(t *testing.T) {
	for _, c := range readBadCases(t) {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.yaml))
			cfg, problems := Check("bad.yaml", []byte(c.yaml))
			if cfg != nil || len(problems) == 0 {
				t.Fatalf("Check found nothing wrong (config %v)", cfg != nil)
			}
			var got []string
			for _, p := range problems {
				if p.Error() == err.Error() {
					return
				}
				got = append(got, p.Error())
			}
			t.Fatalf("Parse's error\n  %s\nis not among Check's problems\n  %s", err, strings.Join(got, "\n  "))
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

// A value of the wrong type stops the decoder: the unknown keys found
// before it are still reported, with it.
func TestCheckStopsAtADecodeError(t *testing.T) {
	body := "environment: production\nprojekts: []\nsources:\n  simulator: {seed: abc}\n"
	_, problems := Check("c.yaml", []byte(body))
	if len(problems) != 2 || !strings.Contains(problems[0].Msg, `unknown key "projekts"`) ||
		!strings.Contains(problems[1].Msg, "sources.simulator.seed: expected a whole number") {
		t.Fatalf("problems: %v", problems)
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
	// fleet.yaml:2:11: projects: list at least one project, e.g.  - name: chat
	// fleet.yaml:3:1: unknown key "sourcs" at the top level; did you mean "sources"? (valid keys: environment, thresholds, projects, databases, dependencies, sources, actions, deployments, contacts, keys)
}
