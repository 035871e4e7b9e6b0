package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap/keytest"
	"github.com/manacore/opsdeck/views/kit"
)

// qModel is the root model at 120x30 on the demo fleet, driven by hand:
// the commands keys return are looked at, never run.
func qModel(t *testing.T) *Model {
	t.Helper()
	m := actionModel(t, &fakeRunner{}, demoSnapshot(t), false)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.Update(SnapshotMsg{demoSnapshot(t)})
	return m
}

func press(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(keytest.Press(k))
	}
	return cmd
}

// quits says cmd is the quit (tea.Quit, returned alone when nothing is
// left to drain); the other commands of a key are never run here.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// statusHint is the status bar's last line, plain.
func statusHint(m *Model) string {
	lines := strings.Split(ansi.Strip(m.render()), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// q closes the help, then a detail (an applied search first, as esc
// does), and quits only from a tab; the status bar says what q does.
// ctrl+c quits from a detail, and closes nothing first.
func TestQClosesHelpAndDetailsBeforeItQuits(t *testing.T) {
	m := qModel(t)
	hint := func(want string) {
		t.Helper()
		if got := statusHint(m); !strings.HasSuffix(got, want) {
			t.Fatalf("status bar %q, want it to end in %q", got, want)
		}
	}
	hint("? help  : command  q quit")
	press(m, "?")
	hint("q close")
	if cmd := press(m, "q"); m.showHelp || cmd != nil {
		t.Fatalf("q on the help: help shown %v, cmd %v", m.showHelp, cmd)
	}

	m.Update(kit.OpenMsg{Name: "logs", Arg: "chat-backend"})
	hint("q back")
	press(m, "?")
	if out := ansi.Strip(m.render()); !regexp.MustCompile(`esc/q\s+back`).MatchString(out) || !regexp.MustCompile(`ctrl\+c\s+quit`).MatchString(out) {
		t.Fatalf("the help over a detail does not say q goes back:\n%s", ansi.Strip(m.render()))
	}
	press(m, "q")
	if m.showHelp || len(m.stack) != 1 {
		t.Fatalf("q on the help over the logs: help %v, %d stacked", m.showHelp, len(m.stack))
	}
	press(m, "/", "x")
	hint("? help  : command") // q is a letter of the search now
	press(m, "q", "enter")
	if len(m.stack) != 1 {
		t.Fatal("q typed in the search closed the logs")
	}
	if cmd := press(m, "q"); len(m.stack) != 1 || quits(cmd) { // clears the search "xq"
		t.Fatalf("q with a search applied: %d stacked", len(m.stack))
	}
	if cmd := press(m, "q"); len(m.stack) != 0 || quits(cmd) {
		t.Fatalf("q on the logs: %d stacked", len(m.stack))
	}
	hint("q quit")

	m.Update(kit.OpenMsg{Name: "logs", Arg: "chat-backend"})
	if cmd := press(m, "ctrl+c"); !quits(cmd) {
		t.Fatal("ctrl+c on a detail did not quit")
	}
}

// q on a tab quits.
func TestQQuitsFromATab(t *testing.T) {
	m := qModel(t)
	press(m, "3")
	if cmd := press(m, "q"); !quits(cmd) {
		t.Fatal("q on the Fleet tab did not quit")
	}
}

// In a confirmation q is esc where no text has the keys (a choice, the
// wait for the plan, a plan confirmed with y) and a letter where text is
// typed (a form's text field, the name typed to confirm); the palette is
// text throughout.
func TestQInTheConfirmationAndThePalette(t *testing.T) {
	m := qModel(t)
	silence := kit.ActionMsg{Kind: backend.ActKindSilence, Target: "HighMemoryUsage", Params: map[string]string{"alertname": "HighMemoryUsage"}}
	cancelled := func(what string, cmd tea.Cmd) {
		t.Helper()
		if m.confirm.open() {
			t.Fatalf("%s: q left the dialog open", what)
		}
		if n, ok := cmd().(kit.NoticeMsg); !ok || !strings.HasSuffix(n.Text, ": cancelled, nothing done") {
			t.Fatalf("%s: q said %+v", what, n)
		}
	}

	m.Update(silence)
	if !m.confirm.open() || m.confirm.stage != stageForm {
		t.Fatal("no silence form")
	}
	if got := statusHint(m); !strings.HasSuffix(got, "q cancel") {
		t.Fatalf("status bar on the form's choice: %q", got)
	}
	cancelled("on the duration (a choice)", press(m, "q"))

	m.Update(silence)
	press(m, "tab", "q")
	if !m.confirm.open() || m.confirm.fields[1].value() != "q" {
		t.Fatalf("q in the comment: open %v, comment %q", m.confirm.open(), m.confirm.fields[1].value())
	}
	if got := statusHint(m); strings.Contains(got, "q ") {
		t.Fatalf("status bar while the comment is typed: %q", got)
	}
	press(m, "enter")
	if m.confirm.stage != stagePlanning {
		t.Fatalf("stage %d after the form", m.confirm.stage)
	}
	cancelled("while planning", press(m, "q"))

	restart := kit.ActionMsg{Kind: backend.ActKindRestart, Target: "chat-backend"}
	m.Update(restart)
	m.Update(planMsg{id: m.confirm.action.ID, plan: backend.Plan{Action: m.confirm.action, Steps: []string{"restart"}, Destructive: true, Confirm: "chat-backend"}})
	press(m, "q")
	if !m.confirm.open() || m.confirm.typed.Value() != "q" {
		t.Fatalf("q in the name typed to confirm: open %v, typed %q", m.confirm.open(), m.confirm.typed.Value())
	}
	press(m, "esc")

	start := kit.ActionMsg{Kind: backend.ActKindStart, Target: "chat-backend"}
	m.Update(start)
	m.Update(planMsg{id: m.confirm.action.ID, plan: backend.Plan{Action: m.confirm.action, Steps: []string{"start"}}})
	cancelled("on a plan confirmed with y", press(m, "q"))

	press(m, ":", "q")
	if !m.palette.open || m.palette.input.Value() != "q" {
		t.Fatalf("q in the palette: open %v, typed %q", m.palette.open, m.palette.input.Value())
	}
}
