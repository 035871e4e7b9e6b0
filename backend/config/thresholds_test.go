package config

import (
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Each figure takes a warn and a down level; a number is the shorthand
// (down at twice it, at most 100 for shares of a maximum), and a mapping
// may set one level, keeping the other's default.
func TestThresholdLevels(t *testing.T) {
	src := strings.Replace(minimal, "projects:", `thresholds:
  p95_target: {warn: 400ms, down: 900ms}
  error_rate_pct: 2
  memory_pct: {warn: 85}
  cpu_pct: {down: 300}
  db_pool_pct: {warn: 80, down: 100}
  dependency_success_pct: 99.5
projects:`, 1)
	c, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := backend.Thresholds{
		P95Target: 400 * time.Millisecond, P95Down: 900 * time.Millisecond,
		ErrorRatePct:         backend.Limit{Warn: 2, Down: 4},
		MemoryPct:            backend.Limit{Warn: 85, Down: 100},
		CPUPct:               backend.Limit{Warn: 80, Down: 300},
		DBPoolPct:            backend.Limit{Warn: 80, Down: 100},
		DependencySuccessPct: backend.Floor{Warn: 99.5, Down: 99},
	}
	if c.Thresholds != want {
		t.Fatalf("thresholds\n got %+v\nwant %+v", c.Thresholds, want)
	}
}

// Every mistake in a threshold is reported at its node, file:line:col.
func TestThresholdMistakesAreLocated(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"down below warn":  {"  db_pool_pct: {warn: 90, down: 80}", `t.yaml:2:16: thresholds.db_pool_pct: down 80 is below warn 90`},
		"quoted number":    {`  memory_pct: "80"`, `t.yaml:2:15: thresholds.memory_pct: "80" is a string; write 80 without quotes`},
		"quoted level":     {`  memory_pct: {warn: "80"}`, `t.yaml:2:22: thresholds.memory_pct.warn: "80" is a string; write 80 without quotes`},
		"quoted word":      {`  memory_pct: "high"`, `t.yaml:2:15: thresholds.memory_pct: expected a number or {warn: …, down: …}, got "high"`},
		"unknown level":    {"  cpu_pct: {warm: 70}", `t.yaml:2:13: thresholds.cpu_pct: unknown key "warm"; a threshold has warn and down; did you mean "warn"?`},
		"negative level":   {"  cpu_pct: {down: -1}", `t.yaml:2:19: cpu_pct.down must be a number of 0 or more`},
		"list":             {"  cpu_pct: [1, 2]", `t.yaml:2:12: thresholds.cpu_pct: expected a number or {warn: …, down: …}, got a list`},
		"success floor":    {"  dependency_success_pct: {warn: 95, down: 99}", `t.yaml:2:27: thresholds.dependency_success_pct: down 99 is above warn 95`},
		"success over 100": {"  dependency_success_pct: 101", `t.yaml:2:27: thresholds.dependency_success_pct: a success rate is at most 100`},
		"bad p95 level":    {"  p95_target: {warn: fast}", `t.yaml:2:22: p95_target.warn: "fast" is not a duration`},
		"p95 down below":   {"  p95_target: {warn: 1s, down: 500ms}", `t.yaml:2:15: thresholds.p95_target: down 500ms is below warn 1s`},
		"p95 as a number":  {"  p95_target: 500", `t.yaml:2:15: thresholds.p95_target: expected a duration such as 500ms or {warn: 500ms, down: 1s}, got 500`},
	} {
		_, err := Parse("t.yaml", []byte("thresholds:\n"+c.yaml+"\n"+minimal))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: err = %v\nwant it to start %q", name, err, c.want)
		}
	}
}

// Check, which lists every problem, takes the {warn, down} form too, and
// reports its mistakes once, at their place.
func TestCheckTakesThresholdLevels(t *testing.T) {
	if _, errs := Check("t.yaml", []byte("thresholds:\n  db_pool_pct: {warn: 80, down: 100}\n"+minimal)); len(errs) != 0 {
		t.Fatalf("problems %v", errs)
	}
	_, errs := Check("t.yaml", []byte("thresholds:\n  cpu_pct: {warm: 70}\n  memory_pct: \"80\"\n"+minimal))
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		`t.yaml:2:13: thresholds.cpu_pct: unknown key "warm"; a threshold has warn and down; did you mean "warn"?`,
		`t.yaml:3:15: thresholds.memory_pct: "80" is a string; write 80 without quotes`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
