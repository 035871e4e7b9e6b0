package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/views"
	"github.com/manacore/opsdeck/views/theme"
)

func TestDemoHeaderShowsEnvironmentSourcesAndClock(t *testing.T) {
	got := plain(sized(t, demoSnapshot(t), 120, 30, false))
	first := strings.SplitN(got, "\n", 2)[0]
	for _, want := range []string{"opsdeck", "production", "DEMO", "● docker", "● prometheus", "12:34:56 UTC"} {
		if !strings.Contains(first, want) {
			t.Errorf("header %q lacks %q", first, want)
		}
	}
}

func TestFailingSourceMarksOnlyItsPanels(t *testing.T) {
	m := sized(t, demoSnapshot(t, "prometheus"), 120, 30, false)
	got := plain(m)
	if !strings.Contains(got, "✖ prometheus") {
		t.Errorf("header should show prometheus down:\n%s", got)
	}
	if !strings.Contains(got, "prometheus: connection refused") {
		t.Errorf("the metrics panel should carry the source's error:\n%s", got)
	}
	typeKeys(m, "2")
	got = plain(m)
	if !strings.Contains(got, "docker · 0s ago") {
		t.Errorf("inventory must stay live while prometheus is down:\n%s", got)
	}
}

func TestStatusColoursMatchThresholds(t *testing.T) {
	th := theme.Default()
	m := sized(t, demoSnapshot(t), 120, 30, false)
	typeKeys(m, "2")
	raw := m.View().Content
	// picture-backend runs at 85% memory against an 80% limit: its cell is
	// WARN in the warning colour; chat's backend is UP in the OK colour.
	if !strings.Contains(raw, th.Warn.Render(pad("▲ WARN", 8))) {
		t.Error("picture's backend is not rendered as a warning")
	}
	if !strings.Contains(raw, th.OK.Render(pad("● UP", 8))) {
		t.Error("healthy components are not rendered in the OK colour")
	}
}

func pad(s string, n int) string { return s + strings.Repeat(" ", n-len([]rune(s))) }

func TestReadOnlyHidesAndRefusesActions(t *testing.T) {
	m := sized(t, demoSnapshot(t), 120, 30, true)
	typeKeys(m, "2", "enter", "?")
	help := plain(m)
	if strings.Contains(help, "restart") || strings.Contains(help, "rollback") {
		t.Fatalf("read-only help lists actions:\n%s", help)
	}
	if !strings.Contains(help, "logs") {
		t.Fatalf("read-only help should keep safe keys:\n%s", help)
	}
	typeKeys(m, "esc", "r")
	if got := plain(m); strings.Contains(got, "restart") {
		t.Fatalf("r did something in read-only mode:\n%s", got)
	}
	// Even a forged action message is refused.
	send(m, views.ActionMsg{Kind: views.ActionRestart, Service: "chat-backend"})
	if got := plain(m); !strings.Contains(got, "read-only: restart chat-backend refused") {
		t.Fatalf("forged action not refused:\n%s", got)
	}
}

func TestEscClearsFilterThenClosesDetail(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, "2", "enter")
	if len(m.stack) != 1 {
		t.Fatal("enter did not open the project detail")
	}
	typeKeys(m, "/")
	typeText(m, "web")
	typeKeys(m, "enter")
	typeKeys(m, "esc")
	if len(m.stack) != 1 {
		t.Fatal("first esc should clear the filter, not close the detail")
	}
	typeKeys(m, "esc")
	if len(m.stack) != 0 {
		t.Fatal("second esc should close the detail")
	}
}

func TestQuitKeysInsideFilterAreText(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, "2", "/")
	_, cmd := m.Update(keytest.Press("q"))
	for _, msg := range runAll(cmd) {
		if _, quit := msg.(tea.QuitMsg); quit {
			t.Fatal("q quit while typing a filter")
		}
	}
	if !strings.Contains(plain(m), "/q") {
		t.Fatalf("q was not typed into the filter:\n%s", plain(m))
	}
	m.Update(keytest.Press("esc"))
	_, cmd = m.Update(keytest.Press("q"))
	quit := false
	for _, msg := range runAll(cmd) {
		_, quit = msg.(tea.QuitMsg)
	}
	if !quit {
		t.Fatal("q outside the filter should quit")
	}
}

// runAll runs a command (and a batch's commands) and returns the messages.
func runAll(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runAll(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestPaletteRunsAliasesAndReportsUnknown(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, ":")
	typeText(m, "svc")
	typeKeys(m, "enter")
	if m.tabs[m.tab].Name() != "services" {
		t.Fatal(":svc did not open services")
	}
	typeKeys(m, ":")
	typeText(m, "nonsense")
	typeKeys(m, "enter")
	if !strings.Contains(plain(m), "unknown command :nonsense") {
		t.Fatalf("unknown command not reported:\n%s", plain(m))
	}
	typeKeys(m, ":")
	typeText(m, "ov")
	typeKeys(m, "tab")
	if got := m.palette.input.Value(); got != "overview" {
		t.Fatalf("tab completed to %q", got)
	}
}

func TestRefreshAsksTheHub(t *testing.T) {
	m, hub := newModel(t, demoSnapshot(t), false)
	send(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(m, keytest.Press("ctrl+r"))
	if n := hub.refreshes.Load(); n != 1 {
		t.Fatalf("ctrl+r asked the hub %d times, want 1", n)
	}
	typeKeys(m, ":")
	typeText(m, "refresh")
	typeKeys(m, "enter")
	if n := hub.refreshes.Load(); n != 2 {
		t.Fatalf(":refresh did not ask the hub (count %d)", n)
	}
}

func TestHealthChecksRunFromOneKey(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, "c")
	got := plain(m)
	for _, want := range []string{"HEALTH CHECKS", "✖ 2/3 passed", "● PASS", "✖ FAIL", "503"} {
		if !strings.Contains(got, want) {
			t.Fatalf("checks screen lacks %q:\n%s", want, got)
		}
	}
	typeKeys(m, "esc")
	if len(m.stack) != 0 {
		t.Fatal("esc should close the checks screen")
	}
	typeKeys(m, ":")
	typeText(m, "check")
	typeKeys(m, "enter")
	if !strings.Contains(plain(m), "✖ 2/3 passed") {
		t.Fatalf(":check did not run the checks:\n%s", plain(m))
	}
}

// TestHeaderKeepsFailingSourcesVisible: when the source names do not fit,
// healthy sources shrink to a dot and a failing one keeps its name.
func TestHeaderKeepsFailingSourcesVisible(t *testing.T) {
	snap := demoSnapshot(t)
	ok := backend.SourceStatus{OK: true, UpdatedAt: testNow, LastAttempt: testNow, Interval: 2 * time.Second}
	snap.Sources = nil
	for _, name := range []string{"docker@prod-1", "docker@prod-2", "prometheus", "alertmanager"} {
		s := ok
		s.Name = name
		snap.Sources = append(snap.Sources, s)
	}
	snap.Sources[2].OK, snap.Sources[2].Err, snap.Sources[2].UpdatedAt = false, "connection refused", time.Time{}
	wide := strings.SplitN(plain(sized(t, snap, 160, 30, false)), "\n", 2)[0]
	if !strings.Contains(wide, "● docker@prod-1") || !strings.Contains(wide, "✖ prometheus") {
		t.Fatalf("wide header: %q", wide)
	}
	narrow := strings.SplitN(plain(sized(t, snap, 80, 24, false)), "\n", 2)[0]
	if strings.Contains(narrow, "docker@prod-1") || !strings.Contains(narrow, "✖ prometheus") || strings.Count(narrow, "●") != 3 {
		t.Fatalf("narrow header: %q", narrow)
	}
}

func TestLogsOpenFromAServiceRowAndCloseTheStream(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, "3", "j", "l")
	// The last line may come in a second batch, up to 50 ms later.
	awaitScreen(t, m, func(got string) bool {
		return strings.Contains(got, "LOGS chat-backend") && strings.Contains(got, "E WARN slow query") && strings.Contains(got, "INFO GET /api/items 200 21ms")
	})
	if _, ok := m.active().(*views.Logs); !ok {
		t.Fatalf("active view is %T", m.active())
	}
	before := logStreamsClosed.Load()
	typeKeys(m, "esc")
	if len(m.stack) != 0 {
		t.Fatal("esc should close the logs")
	}
	deadline := time.Now().Add(2 * time.Second)
	for logStreamsClosed.Load() == before {
		if time.Now().After(deadline) {
			t.Fatal("closing the logs view did not end its stream")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestChartOfMarkedServices(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, "4", "j", "space", "j", "space", "enter")
	got := plain(m)
	for _, want := range []string{"RESPONSE TIME (p95 Latency)", "[Last 24 hours] chat-backend, chat-web", "■ chat-backend", "■ Target (500ms)", "-24h", "0h"} {
		if !strings.Contains(got, want) {
			t.Fatalf("chart lacks %q:\n%s", want, got)
		}
	}
	// chat-web has no series in the fake: it is left out of the legend, not drawn as zero.
	if strings.Contains(got, "■ chat-web") {
		t.Fatalf("a service without data must not be plotted:\n%s", got)
	}
}

func TestExportWritesMarkdownAndJSON(t *testing.T) {
	m := sized(t, demoSnapshot(t), 100, 30, false)
	typeKeys(m, "e")
	if !m.export.open || !strings.HasPrefix(m.export.input.Value(), "opsdeck-production-20261126-123456") {
		t.Fatalf("export prompt: open=%v value=%q", m.export.open, m.export.input.Value())
	}
	path := filepath.Join(t.TempDir(), "incident.md")
	m.export.input.SetValue(path)
	typeKeys(m, "enter")
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(strings.TrimSuffix(path, ".md") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "## Service status") || !strings.Contains(string(js), `"environment": "production"`) {
		t.Fatalf("export content:\n%s\n%s", md, js)
	}
	if !strings.Contains(plain(m), "exported "+path) {
		t.Fatalf("no notice:\n%s", plain(m))
	}
	// q inside the prompt is text, esc cancels without writing.
	typeKeys(m, "e", "q")
	if !strings.HasSuffix(m.export.input.Value(), "q") {
		t.Fatalf("q was not typed into the prompt: %q", m.export.input.Value())
	}
	typeKeys(m, "esc")
	if m.export.open {
		t.Fatal("esc should close the prompt")
	}
}
