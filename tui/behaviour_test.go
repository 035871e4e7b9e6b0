package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// firstLine is the header of a screen.
func firstLine(screen string) string { return strings.SplitN(screen, "\n", 2)[0] }

func TestDemoHeaderShowsEnvironmentSourcesAndClock(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 120, 30, false)
	first := firstLine(c.WaitDrawn())
	for _, want := range []string{"opsdeck", "production", "DEMO", "● docker", "● prometheus", "12:34:56 UTC"} {
		if !strings.Contains(first, want) {
			t.Errorf("header %q lacks %q", first, want)
		}
	}
}

func TestFailingSourceMarksOnlyItsPanels(t *testing.T) {
	c := startConsole(t, demoSnapshot(t, "prometheus"), 120, 30, false)
	got := c.WaitDrawn()
	if !strings.Contains(got, "✖ prometheus") {
		t.Errorf("header should show prometheus down:\n%s", got)
	}
	if !strings.Contains(got, "prometheus: connection refused") {
		t.Errorf("the metrics panel should carry the source's error:\n%s", got)
	}
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	if got := c.WaitDrawn(); !strings.Contains(got, "docker · 0s ago") {
		t.Errorf("inventory must stay live while prometheus is down:\n%s", got)
	}
}

func TestStatusColoursMatchThresholds(t *testing.T) {
	th := theme.Default()
	c := startConsole(t, demoSnapshot(t), 120, 30, false)
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	raw := c.Sync() // the model's frame keeps its colours; the terminal has none
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
	c := startConsole(t, demoSnapshot(t), 120, 30, true)
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("enter")
	c.WaitFor("MANA-CORE-AUTH · ")
	c.Keys("?")
	c.WaitFor("KEY BINDINGS")
	help := c.WaitDrawn()
	if strings.Contains(help, "restart") || strings.Contains(help, "rollback") {
		t.Fatalf("read-only help lists actions:\n%s", help)
	}
	if !strings.Contains(help, "logs") {
		t.Fatalf("read-only help should keep safe keys:\n%s", help)
	}
	c.Keys("esc")
	c.WaitGone("KEY BINDINGS")
	// r says why it does nothing, and asks for nothing.
	c.Keys("r")
	c.WaitFor("read-only: restart is not allowed")
	if got := c.WaitDrawn(); strings.Contains(got, "This will:") {
		t.Fatalf("r opened a confirmation in read-only mode:\n%s", got)
	}
	// Even a forged action message is refused.
	c.Send(kit.ActionMsg{Kind: backend.ActKindRestart, Target: "chat-backend"})
	c.WaitFor("read-only: restart chat-backend refused")
	// Had r asked for anything, its notice would be the last one (its
	// command ran long before the forged message was sent).
	final := quit(c.Term)
	if n := final.notice.msg.Text; n != "read-only: restart chat-backend refused" {
		t.Fatalf("last notice %q", n)
	}
}

func TestEscClearsFilterThenClosesDetail(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("enter")
	c.WaitFor("› mana-core-auth")
	c.Keys("/")
	c.Type("web\n")
	c.WaitFor("filter: web")
	c.Keys("esc")
	c.WaitGone("filter: web")
	if got := c.WaitDrawn(); !strings.Contains(got, "› mana-core-auth") {
		t.Fatalf("first esc should clear the filter, not close the detail:\n%s", got)
	}
	c.Keys("esc")
	c.WaitGone("› mana-core-auth")
	if final := quit(c.Term); len(final.stack) != 0 {
		t.Fatalf("second esc should close the detail: %d screens stacked", len(final.stack))
	}
}

func TestQuitKeysInsideFilterAreText(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("2")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys("/", "q")
	// Had q quit, the program would end and the screen go blank.
	c.WaitFor("/q")
	c.Keys("esc")
	c.WaitGone("/q")
	c.Keys("q")
	c.Final() // q outside the filter quits: the program ends
}

func TestPaletteRunsAliasesAndReportsUnknown(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys(":")
	c.Type("svc\n")
	c.WaitFor("SERVICE STATUS (by Project)")
	c.Keys(":")
	c.Type("nonsense\n")
	c.WaitFor("unknown command :nonsense")
	c.Keys(":")
	c.Type("ov")
	c.Keys("tab")
	c.WaitFor(":overview")
	c.Keys("esc") // q would be text in the palette
	c.WaitGone(":overview")
	final := quit(c.Term)
	if got := final.palette.input.Value(); got != "overview" {
		t.Fatalf("palette holds %q", got)
	}
	if name := final.specs[final.tab].Name; name != "services" {
		t.Fatalf(":svc showed %s", name)
	}
}

// eventually waits until ok holds (something a command does off the UI
// goroutine), failing after the tuitest bound.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(tuitest.DefaultWait)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", tuitest.DefaultWait, what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRefreshAsksTheHub(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("ctrl+r")
	c.WaitFor("refreshing all sources")
	eventually(t, "ctrl+r to ask the hub", func() bool { return c.hub.refreshes.Load() == 1 })
	c.Keys(":")
	c.Type("refresh\n")
	eventually(t, ":refresh to ask the hub", func() bool { return c.hub.refreshes.Load() == 2 })
	quit(c.Term)
	if n := c.hub.refreshes.Load(); n != 2 {
		t.Fatalf("the hub was asked %d times, want 2", n)
	}
}

func TestHealthChecksRunFromOneKey(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("c")
	got := c.WaitScreen("the checks' results", func(s string) bool { return strings.Contains(s, "passed") })
	for _, want := range []string{"HEALTH CHECKS", "✖ 2/3 passed", "● PASS", "✖ FAIL", "503"} {
		if !strings.Contains(got, want) {
			t.Fatalf("checks screen lacks %q:\n%s", want, got)
		}
	}
	c.Keys("esc")
	c.WaitGone("HEALTH CHECKS")
	if got := c.WaitDrawn(); strings.Contains(got, "› Health checks") {
		t.Fatalf("esc should close the checks screen:\n%s", got)
	}
	c.Keys(":")
	c.Type("check\n")
	c.WaitFor("✖ 2/3 passed")
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
	wide := firstLine(startConsole(t, snap, 160, 30, false).WaitDrawn())
	if !strings.Contains(wide, "● docker@prod-1") || !strings.Contains(wide, "✖ prometheus") {
		t.Fatalf("wide header: %q", wide)
	}
	narrow := firstLine(startConsole(t, snap, 80, 24, false).WaitDrawn())
	if strings.Contains(narrow, "docker@prod-1") || !strings.Contains(narrow, "✖ prometheus") || strings.Count(narrow, "●") != 3 {
		t.Fatalf("narrow header: %q", narrow)
	}
}

// TestHeaderShowsInsecureSources: a source whose TLS certificate is not
// checked carries a badge, however narrow the terminal.
func TestHeaderShowsInsecureSources(t *testing.T) {
	snap := demoSnapshot(t)
	ok := backend.SourceStatus{OK: true, UpdatedAt: testNow, LastAttempt: testNow, Interval: 2 * time.Second}
	snap.Sources = nil
	for _, name := range []string{"docker@prod-1", "docker@prod-2", "prometheus", "alertmanager"} {
		s := ok
		s.Name = name
		snap.Sources = append(snap.Sources, s)
	}
	snap.Sources[2].Warning = "insecure"
	for _, width := range []int{160, 80} {
		line := firstLine(startConsole(t, snap, width, 30, false).WaitDrawn())
		if !strings.Contains(line, "● prometheus  INSECURE ") || strings.Count(line, "INSECURE") != 1 {
			t.Errorf("header at %d columns: %q", width, line)
		}
	}
}

func TestLogsOpenFromAServiceRowAndCloseTheStream(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("3")
	c.WaitFor("FLEET ·")
	c.Keys("j", "l")
	// The last line may come in a second batch, up to 50 ms later.
	got := c.WaitScreen("the logs' last line", func(s string) bool { return strings.Contains(s, "INFO GET /api/items 200 21ms") })
	for _, want := range []string{"› logs chat-backend", "LOGS chat-backend", "E WARN slow query"} {
		if !strings.Contains(got, want) {
			t.Fatalf("logs screen lacks %q:\n%s", want, got)
		}
	}
	if n := c.logs.closed.Load(); n != 0 {
		t.Fatalf("%d streams ended while the logs are open", n)
	}
	c.Keys("esc")
	c.WaitGone("LOGS chat-backend")
	eventually(t, "closing the logs to end their stream", func() bool { return c.logs.closed.Load() == 1 })
	if final := quit(c.Term); len(final.stack) != 0 {
		t.Fatalf("esc should close the logs: %d screens stacked", len(final.stack))
	}
}

func TestChartOfMarkedServices(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 100, 30, false)
	c.Keys("4")
	c.WaitFor("RESPONSE TIME (p95)")
	c.Keys("j", "space", "j", "space", "enter")
	got := c.WaitScreen("the chart's data", func(s string) bool { return strings.Contains(s, "■ T Target (500ms)") })
	for _, want := range []string{"RESPONSE TIME (p95 Latency)", "[Last 24 hours] chat-backend, chat-web", "■ a chat-backend", "■ T Target (500ms)", "-24h", "0h"} {
		if !strings.Contains(got, want) {
			t.Fatalf("chart lacks %q:\n%s", want, got)
		}
	}
	// chat-web has no series in the fake: it is left out of the legend, not drawn as zero.
	if regexp.MustCompile(`■ [a-z] chat-web`).MatchString(got) {
		t.Fatalf("a service without data must not be plotted:\n%s", got)
	}
}

func TestExportWritesMarkdownAndJSON(t *testing.T) {
	c := startConsole(t, demoSnapshot(t), 250, 30, false)
	c.Keys("e")
	c.WaitFor("export to: opsdeck-production-20261126-123456.md")
	path := filepath.Join(t.TempDir(), "incident.md")
	c.Keys("ctrl+u") // clear the suggested name
	c.Type(path + "\n")
	c.WaitFor("exported " + path)
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
	// q inside the prompt is text, esc cancels without writing.
	c.Keys("e", "q")
	c.WaitFor("opsdeck-production-20261126-123456.mdq")
	c.Keys("esc")
	c.WaitGone("export to:")
	if final := quit(c.Term); final.export.open {
		t.Fatal("esc should close the prompt")
	}
}
