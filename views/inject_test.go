package views

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/tui/tuitest"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/keymap"
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

func TestEveryViewRendersHostileTextHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return now }}
	snap := hostileSnapshot(now)
	project := NewProject(c, snap.Services[0].Project)
	cases := []struct {
		v    View
		tags []string
	}{
		{NewOverview(c), []string{"summary-csi", "dbname-csi"}},
		{NewServices(c), []string{"project-csi"}},
		{NewFleet(c), []string{"svcname-csi"}},
		{NewLatency(c), []string{"svcname-csi"}},
		{NewAlerts(c), []string{"alertsvc-csi"}},
		{NewDatabases(c), []string{"dbname-csi"}},
		{NewDependencies(c), []string{"depname-csi"}},
		{NewResources(c), []string{"svcname-csi"}},
		{project, []string{"ctrname-csi"}},
		{&AlertDetail{c: c, alert: snap.Alerts[0]}, []string{"alertname-csi", "summary-csi", "lkey-csi", "lval-csi", "annot-csi"}},
	}
	for _, tc := range cases {
		tc.v.SetSnapshot(snap)
		for _, w := range []int{300, 80} {
			tc.v.SetSize(w, 40)
			out := tc.v.View()
			tags := tc.tags
			if w < 300 {
				tags = nil // narrow: cut, but still harmless
			}
			assertHarmless(t, fmt.Sprintf("%s@%d", tc.v.Name(), w), out, tags...)
			assertHarmless(t, tc.v.Name()+" title", tc.v.Title())
		}
	}
}

func TestChecksAndChartErrorsHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return now }}
	ch := NewChecks(c)
	ch.SetSize(300, 20)
	ch.Update(ChecksDoneMsg{Results: []backend.CheckResult{{Target: backend.CheckTarget{Name: evilText("chk"), URL: evilText("curl")},
		Err: evilText("chkerr"), At: now}}})
	assertHarmless(t, "checks", ch.View(), "chk-csi", "chkerr-csi")

	chart := &Chart{c: c, id: 7}
	chart.SetSize(300, 20)
	chart.Update(RangeResultMsg{ID: 7, Err: errors.New(evilText("rangeerr"))})
	assertHarmless(t, "chart", chart.View(), "rangeerr-csi")

	name := evilText("chartsvc")
	chart = &Chart{c: c, id: 8, services: []string{name}, target: 500}
	chart.SetSize(300, 20)
	chart.Update(RangeResultMsg{ID: 8, Series: map[string]backend.Series{name: {Start: now, Step: time.Minute,
		Points: []backend.Value{backend.Some(100), backend.Some(700)}}}})
	assertHarmless(t, "chart legend", chart.View(), "chartsvc-csi")
}

func TestLogsAndActionOutputHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return now }}
	logs := &Logs{c: c, id: 1, service: evilText("logsvc"), cancel: func() {}, follow: true, stamps: true, match: -1,
		buf: newRing(LogBufferLines), status: "following"}
	logs.search = newSearchInput()
	var lines []backend.LogLine
	for i, e := range evil {
		lines = append(lines, backend.LogLine{Stream: []string{"stdout", "stderr"}[i%2], Text: "line-" + e, At: now})
	}
	for _, wrap := range []bool{false, true} {
		logs.wrap = wrap
		logs.SetSize(300, 40)
		logs.Update(LogBatchMsg{ID: 1, Lines: lines})
		assertHarmless(t, fmt.Sprintf("logs wrap=%v", wrap), logs.View(), "line-csi", "line-osc52", "line-bidi")
	}
	assertHarmless(t, "logs title", logs.Title(), "logsvc-csi")
	logs.service = "chat-backend" // room in the header for the status
	logs.Update(LogBatchMsg{ID: 1, Done: true, Err: errors.New(evilText("streamerr"))})
	assertHarmless(t, "logs ended", logs.View(), "streamerr-csi")

	plan := backend.Plan{
		Action: backend.Action{ID: "a1", Kind: backend.ActKindRestart, Target: evilText("target")},
		Steps:  []string{"docker@local: restart container " + evilText("step")},
	}
	run := NewActionRun(c, plan, now)
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

func TestSilencesAndWizardHarmless(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c := Common{Theme: theme.Default(), Keys: keymap.Default(), Now: func() time.Time { return now }}
	s := newSilences(c)
	s.SetSize(300, 20)
	s.Update(SilencesMsg{At: now, Silences: []backend.Silence{{ID: "x1", Matchers: evilText("matcher"), CreatedBy: evilText("by"),
		Comment: evilText("comment"), EndsAt: now, State: "active"}}})
	assertHarmless(t, "silences", s.View(), "matcher-csi", "comment-csi")
	s.Update(SilencesMsg{At: now, Err: errors.New(evilText("amerr"))})
	assertHarmless(t, "silences error", s.View(), "amerr-csi")

	// A wizard whose incident title, timeline and notes come from outside
	// (service names typed or discovered, action errors).
	tree := drtree.Default()
	inc := &incident.Incident{ID: "20261126-1200-abcdef", Title: evilText("title"), Started: now, Status: incident.StatusInvestigating,
		Walk: tree.Start(now).State(), Timeline: []incident.Event{{At: now, Actor: evilText("actor"), Kind: incident.EventAction, Text: evilText("event")}}}
	w := NewWizard(c, tree, inc, "ana")
	w.SetSnapshot(hostileSnapshot(now))
	w.SetSize(300, 30)
	assertHarmless(t, "wizard", w.View(), "title-csi", "event-csi", "actor-csi")
}
