package config

import (
	"errors"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/sim"
)

// badCase is one entry of testdata/bad.txt.
type badCase struct {
	name      string
	line, col int
	want      string // fragment of the message
	yaml      string
}

// readBadCases splits testdata/bad.txt at its "-- name | line:col | want"
// headers; see the comment at the top of that file.
func readBadCases(t testing.TB) []badCase {
	t.Helper()
	data, err := os.ReadFile("testdata/bad.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cases []badCase
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(l, "-- ") {
			if len(cases) > 0 {
				cases[len(cases)-1].yaml += l
			}
			continue
		}
		parts := strings.SplitN(strings.TrimSpace(l[3:]), " | ", 3)
		if len(parts) != 3 {
			t.Fatalf("bad header %q", l)
		}
		ls, cs, _ := strings.Cut(parts[1], ":")
		line, err1 := strconv.Atoi(ls)
		col, err2 := strconv.Atoi(cs)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad position in header %q", l)
		}
		cases = append(cases, badCase{name: parts[0], line: line, col: col, want: parts[2]})
	}
	return cases
}

// Each case of testdata/bad.txt reports its problem, at its line and
// column, among every problem of the file (Parse reports them all).
func TestParseErrors(t *testing.T) {
	cases := readBadCases(t)
	if len(cases) < 50 {
		t.Fatalf("only %d cases read from testdata/bad.txt", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse("bad.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("no error; config %+v", cfg)
			}
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("%T is not Problems: %v", err, err)
			}
			for _, e := range ps {
				if e.File != "bad.yaml" {
					t.Fatalf("file %q", e.File)
				}
				if e.Line == c.line && e.Col == c.col && strings.Contains(e.Msg, c.want) {
					return
				}
			}
			t.Fatalf("got\n%v\nwant %d:%d …%s…", err, c.line, c.col, c.want)
		})
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{File: "c.yaml", Line: 7, Col: 18, Msg: "m"}, "c.yaml:7:18: m"},
		{Error{File: "c.yaml", Line: 7, Msg: "m"}, "c.yaml:7: m"},
		{Error{File: "c.yaml", Msg: "m"}, "c.yaml: m"},
		{Error{Msg: "m"}, "config: m"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.e, got, c.want)
		}
	}
}

// minimal is the smallest valid config.
const minimal = `environment: staging
projects:
  - name: chat
    services:
      - component: backend
      - component: web
        name: chat-app
sources:
  simulator:
`

func TestDefaultsApplied(t *testing.T) {
	c, err := Parse("min.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "min.yaml" || c.Environment != "staging" {
		t.Fatalf("file %q environment %q", c.File, c.Environment)
	}
	if c.Thresholds != backend.DefaultThresholds() {
		t.Fatalf("thresholds %+v", c.Thresholds)
	}
	s := c.Sources.Simulator
	if s == nil || s.Seed != 1 || s.Interval != 2*time.Second || s.Timeout != time.Second || s.Profiles == nil {
		t.Fatalf("bare simulator: %+v", s)
	}
	want := []backend.Service{
		{Project: "chat", Component: backend.ComponentBackend, Name: "chat-backend"},
		{Project: "chat", Component: backend.ComponentWeb, Name: "chat-app"},
	}
	if got := c.Services(); !reflect.DeepEqual(got, want) {
		t.Fatalf("services %+v", got)
	}
	if c.Keys != nil || c.Databases != nil || c.Dependencies != nil {
		t.Fatalf("optional sections not empty: %+v", c)
	}
}

func TestPartialThresholdsAndShortInterval(t *testing.T) {
	src := strings.Replace(minimal, "projects:", "thresholds:\n  memory_pct: 90\n  p95_target: 1.5s\nprojects:", 1) +
		"    interval: 500ms\n    seed: -3\n"
	c, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// A number is the warning level: down at twice it, at most 100 for
	// a share of a maximum.
	want := backend.DefaultThresholds()
	want.MemoryPct, want.P95Target, want.P95Down = backend.Limit{Warn: 90, Down: 100}, 1500*time.Millisecond, 3*time.Second
	if c.Thresholds != want {
		t.Fatalf("thresholds %+v, want %+v", c.Thresholds, want)
	}
	// The 1s default timeout must not exceed a shorter interval.
	if s := c.Sources.Simulator; s.Interval != 500*time.Millisecond || s.Timeout != 500*time.Millisecond || s.Seed != -3 {
		t.Fatalf("simulator %+v", s)
	}
}

func TestKeysInFileOrderWithPositions(t *testing.T) {
	src := minimal + "keys:\n  restart: [r]\n  quit: [q, ctrl+c]\n  view.services: [2]\n"
	c, err := Parse("k.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []KeyBinding{
		{Action: "restart", Keys: []string{"r"}, Pos: Pos{Line: 11, Col: 3}},
		{Action: "quit", Keys: []string{"q", "ctrl+c"}, Pos: Pos{Line: 12, Col: 3}},
		{Action: "view.services", Keys: []string{"2"}, Pos: Pos{Line: 13, Col: 3}},
	}
	if !reflect.DeepEqual(c.Keys, want) {
		t.Fatalf("keys %+v", c.Keys)
	}
	err = c.ErrorAt(c.Keys[0].Pos, "unknown key binding %q", "restart")
	if got := err.Error(); got != `k.yaml:11:3: unknown key binding "restart"` {
		t.Fatalf("ErrorAt: %q", got)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("ErrorAt returned %T", err)
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if c.File != DefaultFile || c.Environment != "production" {
		t.Fatalf("file %q environment %q", c.File, c.Environment)
	}
	if n := len(c.Services()); n != 15 {
		t.Fatalf("%d services, want 15", n)
	}
	if len(c.Databases) != 3 || len(c.Dependencies) != 4 {
		t.Fatalf("%d databases, %d dependencies", len(c.Databases), len(c.Dependencies))
	}
	// The seed's SERVICE STATUS table: which components each project has.
	layout := map[string]string{}
	var order []string
	for _, p := range c.Projects {
		order = append(order, p.Name)
		for _, s := range p.Services {
			layout[p.Name] += string(s.Component)[:1]
		}
	}
	wantLayout := map[string]string{"mana-core-auth": "b", "chat": "bwl", "maerchenzauber": "bwl", "picture": "bwl", "memoro": "wl", "uload": "bwl"}
	if !reflect.DeepEqual(layout, wantLayout) || order[0] != "mana-core-auth" || order[5] != "uload" {
		t.Fatalf("layout %v order %v", layout, order)
	}
	if got := c.Services()[0]; got.Name != "mana-core-auth" || got.HealthURL != "https://auth.manacore.app/api/health" {
		t.Fatalf("auth service %+v", got)
	}
	s := c.Sources.Simulator
	if s == nil || s.Seed != 1 || s.Interval != 2*time.Second || s.Timeout != time.Second {
		t.Fatalf("simulator %+v", s)
	}
}

// TestDefaultReproducesSeedDashboard checks the demo numbers against the
// seed's SYSTEM HEALTH OVERVIEW: 1,234 req/s, 0.2% errors, p95 under the
// 500 ms target, one memory warning on picture-backend.
func TestDefaultReproducesSeedDashboard(t *testing.T) {
	c := Default()
	p := c.Sources.Simulator.Profiles
	var rps, errs float64
	for _, s := range c.Services() {
		pr, ok := p[s.Name]
		if !ok {
			t.Fatalf("no profile for %s", s.Name)
		}
		rps += pr.RPS
		errs += pr.RPS * pr.ErrorRatePct
		if pr.P95MS <= 0 || pr.P95MS >= float64(c.Thresholds.P95Target.Milliseconds()) {
			t.Errorf("%s p95 %v not under the target", s.Name, pr.P95MS)
		}
		if over := pr.MemoryPct > c.Thresholds.MemoryPct.Warn; over != (s.Name == "picture-backend") {
			t.Errorf("%s memory %v%%", s.Name, pr.MemoryPct)
		}
	}
	if rps != 1234 {
		t.Errorf("fleet rps %v, want 1234", rps)
	}
	if rate := errs / rps; math.Abs(rate-0.2) > 0.05 {
		t.Errorf("fleet error rate %.3f%%, want about 0.2%%", rate)
	}
	if p["chat-backend"].SlowQueryMS != 250 {
		t.Error("chat-backend slow query")
	}
	wantDB := map[string]sim.Profile{
		"chat":               {Connections: 8, MaxConnections: 10, AvgQueryMS: 45, SlowQueries: 3, CacheHitPct: 98.5},
		"picture":            {Connections: 9, MaxConnections: 10, AvgQueryMS: 62, SlowQueries: 8, CacheHitPct: 96.2},
		"manacore":           {Connections: 5, MaxConnections: 10, AvgQueryMS: 28, SlowQueries: 0, CacheHitPct: 99.1},
		"Azure OpenAI":       {LatencyMS: 850, SuccessPct: 99.9},
		"Supabase (chat)":    {LatencyMS: 35, SuccessPct: 100},
		"Supabase (picture)": {LatencyMS: 42, SuccessPct: 100},
		"Redis Cache":        {LatencyMS: 2, SuccessPct: 100},
	}
	for name, want := range wantDB {
		if p[name] != want {
			t.Errorf("profile %q = %+v, want %+v", name, p[name], want)
		}
	}
}

// The annotated example must load and describe the same fleet as the
// embedded default, so copying it changes nothing until the user edits it.
func TestExampleMatchesDefault(t *testing.T) {
	c, err := Load("../../testdata/manacore.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	c.File, d.File = "", ""
	c.Keys, d.Keys = nil, nil             // the example shows key syntax, the default has none
	for _, cfg := range []*Config{c, d} { // where host: stands differs between the files
		for i := range cfg.Databases {
			cfg.Databases[i].HostPos = Pos{}
		}
		for i := range cfg.Actions.Commands {
			cfg.Actions.Commands[i].HostPos = Pos{}
		}
	}
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("example differs from default:\n%+v\n%+v", c, d)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := t.TempDir() + "/nope.yaml"
	_, err := Load(path)
	var e *Error
	if !errors.As(err, &e) || e.File != path || !strings.Contains(err.Error(), path+": cannot read config") {
		t.Fatalf("got %v", err)
	}
}

// A panic inside goccy/go-yaml must come back as an error, not crash.
func TestRecoverYAML(t *testing.T) {
	err := func() (err error) {
		defer recoverYAML(&err)
		panic("boom")
	}()
	if err == nil || !strings.Contains(err.Error(), panicMsg) {
		t.Fatalf("got %v", err)
	}
}

// A backups.dir under hidden directories loads: its dumps can be listed.
func TestBackupsDirMayBeHidden(t *testing.T) {
	src := minimal + `  ssh: {known_hosts: /k, hosts: [{name: db-1, addr: "10.0.0.1:22"}]}
databases:
  - {name: chat, host: db-1, backups: {dir: /root/.cache/opsdeck/dumps/}}
  - {name: notes, host: db-1, backups: {dir: /home/ops/.backups}}
`
	c, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Databases[0].Backups.Dir; d != "/root/.cache/opsdeck/dumps/" {
		t.Fatalf("dir %q", d)
	}
}
