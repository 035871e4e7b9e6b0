package kit_test

// The injection tests of every screen: hostile text from outside (names,
// summaries, log lines, errors) is shown readably and never reaches the
// terminal as a sequence. An external test package, so it can build every
// screen package on the kit.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/actionrun"
	"github.com/manacore/opsdeck/views/alerts"
	"github.com/manacore/opsdeck/views/checks"
	"github.com/manacore/opsdeck/views/databases"
	"github.com/manacore/opsdeck/views/dependencies"
	incidentview "github.com/manacore/opsdeck/views/incident"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/latency"
	"github.com/manacore/opsdeck/views/logs"
	"github.com/manacore/opsdeck/views/overview"
	"github.com/manacore/opsdeck/views/resources"
	"github.com/manacore/opsdeck/views/services"
	"github.com/manacore/opsdeck/views/theme"
)

// evil holds the tricks outside text can play on a terminal. Each payload
// carries a readable word so a test can see the text survived.
var evil = []string{
	"csi\x1b[2J\x1b[H",                                  // clear screen, home cursor
	"osc52\x1b]52;c;cHduZWQ=\x07",                       // write the clipboard
	"osc8\x1b]8;;http://x.test\x1b\\link\x1b]8;;\x1b\\", // hyperlink
	"dcs\x1bP+q544e\x1b\\",                              // device control string
	"c1\u009b31m\u009d0;t\u0007",                        // 8-bit CSI and OSC
	"bel\x07\x07",                                       // bell
	"over\rwrite\b\bxx",                                 // carriage return / backspace overwrite
	"bidi\u202etxt.exe",                                 // right-to-left override
	"title\x1b]0;pwned\x1b\\",                           // retitle the window
}

// evilText is all payloads in one value, the way a hostile name would be.
func evilText(tag string) string { return tag + "-" + strings.Join(evil, "|") }

// terminalUnsafe is the shared check of what reaches the terminal.
var terminalUnsafe = tuitest.TerminalUnsafe

func TestTerminalUnsafeCatchesEveryPayload(t *testing.T) {
	// The checker itself must fail on raw payloads, or the tests below
	// prove nothing.
	for _, e := range evil {
		if terminalUnsafe(e) == "" {
			t.Errorf("checker accepts %q", e)
		}
	}
	if got := terminalUnsafe(theme.Default().Down.Render("ok") + "\nplain"); got != "" {
		t.Errorf("checker rejects lipgloss output: %s", got)
	}
}

// hostileSnapshot is a fleet in which every outside string is hostile.
func hostileSnapshot(now time.Time) backend.Snapshot {
	v := backend.Some
	alert := backend.Alert{
		Name: evilText("alertname"), Severity: backend.SeverityCritical, Service: evilText("alertsvc"),
		Summary: evilText("summary"), State: backend.AlertFiring, Since: now.Add(-time.Minute),
		Labels:      map[string]string{evilText("lkey"): evilText("lval")},
		Annotations: map[string]string{"description": evilText("annot")},
	}
	svc := backend.Service{
		Project: evilText("project"), Component: backend.ComponentBackend, Name: evilText("svcname"),
		Host: evilText("host"), HealthURL: evilText("url"), LastDeploy: now.Add(-time.Hour), UptimePct: v(99.9),
		Containers: []backend.Container{{ID: "3f2a", Name: evilText("ctrname"), Host: evilText("chost"),
			Version: evilText("ver"), State: backend.StateRunning, Health: backend.HealthHealthy, StartedAt: now.Add(-time.Hour)}},
		Metrics: backend.Metrics{RPS: v(12), ErrorRatePct: v(9), AvgLatencyMS: v(900), P95MS: v(2500), CPUPct: v(95), MemPct: v(97), MemBytes: v(1 << 30)},
	}
	return backend.Snapshot{
		Environment: "prod", At: now, Thresholds: backend.DefaultThresholds(),
		Sources: []backend.SourceStatus{
			{Name: "docker", Kind: "docker", Feeds: []backend.Feed{backend.FeedInventory, backend.FeedMetrics}, OK: true, UpdatedAt: now, LastAttempt: now},
			{Name: "prom", Kind: "prometheus", Feeds: []backend.Feed{backend.FeedAlerts, backend.FeedDatabases, backend.FeedDependencies},
				Err: evilText("srcerr"), UpdatedAt: now.Add(-time.Minute), LastAttempt: now},
		},
		Services:     []backend.Service{svc},
		Alerts:       []backend.Alert{alert},
		Databases:    []backend.DBPool{{Name: evilText("dbname"), Up: true, Connections: v(95), MaxConnections: v(100)}},
		Dependencies: []backend.Dependency{{Name: evilText("depname"), Up: false, LatencyMS: v(1500), CheckedAt: now}},
	}
}

// assertHarmless fails when out would pass anything but colour to the
// terminal, or when a tag's text is not readable in it.
func assertHarmless(t *testing.T, what, out string, tags ...string) {
	t.Helper()
	if bad := terminalUnsafe(out); bad != "" {
		t.Errorf("%s: passes %s to the terminal:\n%q", what, bad, out)
	}
	plain := ansi.Strip(out)
	for _, tag := range tags {
		if !strings.Contains(plain, tag) {
			t.Errorf("%s: %q not readable in:\n%s", what, tag, plain)
		}
	}
	if len(tags) > 0 && !strings.Contains(plain, "␛") {
		t.Errorf("%s: escapes not shown as ␛:\n%s", what, plain)
	}
}

// common is a console's shared state at now with deps as its backends.
func common(now time.Time, deps kit.Deps) kit.Common {
	return kit.Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return now }, IDs: &kit.IDs{}, Deps: deps}
}

// answer does what the root does for a screen alone: it runs the
// requests cmd leads to and hands their answers to s, until s asks for
// nothing more. Other messages are dropped. It returns the screens
// pushed on the way (a detail s opened).
func answer(t *testing.T, s kit.Screen, cmd tea.Cmd) []kit.Screen {
	t.Helper()
	var pushed []kit.Screen
	for n := 0; cmd != nil; n++ {
		if n > 100 {
			t.Fatal("the screen keeps asking")
		}
		var next []tea.Cmd
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				pushed = append(pushed, answer(t, s, c)...)
			}
		case kit.PushMsg:
			pushed = append(pushed, msg.Screen)
		case kit.Request:
			// The screen's context, as the root gives it: alive while the
			// screen is open (a stream started in one request is read by
			// the next ones), bounded by the request's own timeout.
			ctx, cancel := t.Context(), context.CancelFunc(func() {})
			if msg.Timeout > 0 {
				ctx, cancel = context.WithTimeout(ctx, msg.Timeout)
			}
			reply := msg.Run(ctx)
			cancel()
			next = append(next, s.Update(reply))
		}
		cmd = tea.Batch(next...)
	}
	return pushed
}

func TestEveryViewRendersHostileTextHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := common(now, kit.Deps{})
	snap := hostileSnapshot(now)
	// The alert detail is what enter opens on the alerts screen.
	al := alerts.New(c)
	al.SetSize(300, 40)
	al.(kit.SnapshotSetter).SetSnapshot(snap)
	opened := answer(t, al, al.Update(keytest.Press("enter")))
	if len(opened) != 1 {
		t.Fatalf("enter on an alert opened %d screens", len(opened))
	}
	cases := []struct {
		v    kit.Screen
		tags []string
	}{
		{overview.New(c), []string{"summary-csi", "dbname-csi"}},
		{services.NewServices(c), []string{"project-csi"}},
		{services.NewFleet(c), []string{"svcname-csi"}},
		{latency.New(c), []string{"svcname-csi"}},
		{alerts.New(c), []string{"alertsvc-csi"}},
		{databases.New(c), []string{"dbname-csi"}},
		{dependencies.New(c), []string{"depname-csi"}},
		{resources.New(c), []string{"svcname-csi"}},
		{services.NewProject(c, snap.Services[0].Project), []string{"ctrname-csi"}},
		{opened[0], []string{"alertname-csi", "summary-csi", "lkey-csi", "lval-csi", "annot-csi"}},
	}
	for _, tc := range cases {
		if f, ok := tc.v.(kit.SnapshotSetter); ok {
			f.SetSnapshot(snap)
		}
		for _, w := range []int{300, 80} {
			tc.v.SetSize(w, 40)
			out := tc.v.View()
			tags := tc.tags
			if w < 300 {
				tags = nil // narrow: cut, but still harmless
			}
			name := fmt.Sprintf("%T", tc.v)
			assertHarmless(t, fmt.Sprintf("%s@%d", name, w), out, tags...)
			assertHarmless(t, name+" title", tc.v.Title())
		}
	}
}

// evilChecker answers every health check with hostile text.
type evilChecker struct{ now time.Time }

func (c evilChecker) CheckAll(context.Context) []backend.CheckResult {
	return []backend.CheckResult{{Target: backend.CheckTarget{Name: evilText("chk"), URL: evilText("curl")}, Err: evilText("chkerr"), At: c.now}}
}

// rangesFunc is a RangeQuerier from a function.
type rangesFunc func() (map[string]backend.Series, error)

func (f rangesFunc) P95Range(context.Context, time.Time, time.Time, time.Duration) (map[string]backend.Series, []backend.Caveat, error) {
	s, err := f()
	return s, nil, err
}

func TestChecksAndChartErrorsHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	ch := checks.New(common(now, kit.Deps{Checker: evilChecker{now}}))
	ch.SetSize(300, 20)
	answer(t, ch, ch.Init())
	assertHarmless(t, "checks", ch.View(), "chk-csi", "chkerr-csi")

	failing := rangesFunc(func() (map[string]backend.Series, error) { return nil, errors.New(evilText("rangeerr")) })
	chart := latency.NewChart(common(now, kit.Deps{Ranges: failing}), []string{"chat-backend"}, 500*time.Millisecond)
	chart.SetSize(300, 20)
	answer(t, chart, chart.Init())
	assertHarmless(t, "chart", chart.View(), "rangeerr-csi")

	name := evilText("chartsvc")
	series := rangesFunc(func() (map[string]backend.Series, error) {
		return map[string]backend.Series{name: {Start: now, Step: time.Minute, Points: []backend.Value{backend.Some(100), backend.Some(700)}}}, nil
	})
	chart = latency.NewChart(common(now, kit.Deps{Ranges: series}), []string{name}, 500*time.Millisecond)
	chart.SetSize(300, 20)
	answer(t, chart, chart.Init())
	assertHarmless(t, "chart legend", chart.View(), "chartsvc-csi")
}

// evilLogs streams one hostile line per payload, then ends with a hostile
// error.
type evilLogs struct{ now time.Time }

func (l evilLogs) StreamLogs(_ context.Context, _ string, _ int, out func(backend.LogLine)) error {
	for i, e := range evil {
		out(backend.LogLine{Stream: []string{"stdout", "stderr"}[i%2], Text: "line-" + e, At: l.now})
	}
	return errors.New(evilText("streamerr"))
}

func TestLogsAndActionOutputHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := common(now, kit.Deps{Logs: evilLogs{now}})
	lg := logs.New(c, evilText("logsvc"))
	lg.SetSize(300, 40)
	answer(t, lg, lg.Init()) // every line, then the end with its error
	for _, wrap := range []bool{false, true} {
		if wrap {
			lg.Update(keytest.Press("w"))
		}
		assertHarmless(t, fmt.Sprintf("logs wrap=%v", wrap), lg.View(), "line-csi", "line-osc52", "line-bidi")
	}
	assertHarmless(t, "logs title", lg.Title(), "logsvc-csi")
	short := logs.New(c, "chat-backend") // room in the header for the status
	short.SetSize(300, 40)
	answer(t, short, short.Init())
	assertHarmless(t, "logs ended", short.View(), "streamerr-csi")

	plan := backend.Plan{
		Action: backend.Action{ID: "a1", Kind: backend.ActKindRestart, Target: evilText("target")},
		Steps:  []string{"docker@local: restart container " + evilText("step")},
	}
	run := actionrun.New(c, plan, now)
	run.SetSize(300, 40)
	var out []backend.OutputLine
	for i, e := range evil {
		out = append(out, backend.OutputLine{At: now, Stream: []string{"stdout", "stderr", "info"}[i%3], Text: "out-" + e})
	}
	run.Append(out)
	run.Finish("failed", errors.New(evilText("runerr")), now.Add(time.Second))
	assertHarmless(t, "action", run.View(), "target-csi", "step-csi", "out-csi", "runerr-csi")
	assertHarmless(t, "action title", run.Title(), "target-csi")
}

// silencesFunc is a SilenceLister from a function.
type silencesFunc func() ([]backend.Silence, error)

func (f silencesFunc) Silences(context.Context) ([]backend.Silence, error) { return f() }

func TestSilencesAndWizardHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	open := func(l backend.SilenceLister) kit.Screen {
		s, err := alerts.SilencesCommand().Open(common(now, kit.Deps{Silences: l}), "")
		if err != nil {
			t.Fatal(err)
		}
		s.SetSize(300, 20)
		answer(t, s, s.(kit.Initer).Init())
		return s
	}
	s := open(silencesFunc(func() ([]backend.Silence, error) {
		return []backend.Silence{{ID: "x1", Matchers: evilText("matcher"), CreatedBy: evilText("by"),
			Comment: evilText("comment"), EndsAt: now, State: "active"}}, nil
	}))
	assertHarmless(t, "silences", s.View(), "matcher-csi", "comment-csi")
	s = open(silencesFunc(func() ([]backend.Silence, error) { return nil, errors.New(evilText("amerr")) }))
	assertHarmless(t, "silences error", s.View(), "amerr-csi")

	// A wizard whose incident title, timeline and notes come from outside
	// (service names typed or discovered, action errors).
	tree := drtree.Default()
	walk := tree.Start(now)
	inc := &incident.Incident{ID: "20261126-1200-abcdef", Title: evilText("title"), Started: now, Status: incident.StatusInvestigating,
		Walk: walk.State(), Timeline: []incident.Event{{At: now, Actor: evilText("actor"), Kind: incident.EventAction, Text: evilText("event")}}}
	w := incidentview.New(common(now, kit.Deps{}))
	w.SetSnapshot(hostileSnapshot(now))
	w.SetSize(300, 30)
	w.Update(kit.IncidentMsg{Board: incident.Board{Incident: inc, Walk: walk}})
	assertHarmless(t, "wizard", w.View(), "title-csi", "event-csi", "actor-csi")
}

// rulesFunc is a RuleLister from a function.
type rulesFunc func() ([]backend.Rule, error)

func (f rulesFunc) Rules(context.Context) ([]backend.Rule, error) { return f() }

// A rule file is outside text too: names, groups, queries and the last
// evaluation's error reach :rules as they are.
func TestRulesHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	open := func(l backend.RuleLister) kit.Screen {
		s, err := alerts.RulesCommand().Open(common(now, kit.Deps{Rules: l}), "")
		if err != nil {
			t.Fatal(err)
		}
		s.SetSize(300, 20)
		answer(t, s, s.(kit.Initer).Init())
		return s
	}
	s := open(rulesFunc(func() ([]backend.Rule, error) {
		return []backend.Rule{
			{Group: evilText("group"), Name: evilText("rule"), Kind: backend.RuleAlerting, Query: evilText("query"), State: "firing", Health: "ok", LastEvaluation: now},
			{Group: "g", Name: "broken", Kind: backend.RuleRecording, Query: "x", Health: "err", LastError: evilText("lasterr"), LastEvaluation: now},
		}, nil
	}))
	assertHarmless(t, "rules", s.View(), "group-csi", "rule-csi", "query-csi", "lasterr-csi")
	s = open(rulesFunc(func() ([]backend.Rule, error) { return nil, errors.New(evilText("promerr")) }))
	assertHarmless(t, "rules error", s.View(), "promerr-csi")
}
