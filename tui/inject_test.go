package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/kit"
)

// hostile is a name carrying the terminal tricks outside text can play:
// clear screen, clipboard write (OSC 52), hyperlink (OSC 8), DCS, 8-bit
// CSI, bell, CR/backspace overwrite, bidi override, retitle.
const hostile = "evil\x1b[2J\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://x.test\x1b\\l\x1bP+q\x1b\\\u009b31m\x07\rX\b\u202etxt\x1b]0;t\x1b\\"

// hostileDemo is the demo snapshot with every outside string replaced by
// a hostile one: service, project, container, alert, database and
// dependency names, alert summaries, labels and annotations.
func hostileDemo(t *testing.T) backend.Snapshot {
	s := demoSnapshot(t)
	for i := range s.Services {
		svc := &s.Services[i]
		svc.Name, svc.Project, svc.Host = hostile+fmt.Sprint(i), hostile+svc.Project, hostile
		for j := range svc.Containers {
			svc.Containers[j].Name, svc.Containers[j].Version = hostile, hostile
		}
	}
	for i := range s.Alerts {
		a := &s.Alerts[i]
		a.Name, a.Service, a.Summary = hostile, hostile, hostile
		a.Labels = map[string]string{hostile: hostile}
		a.Annotations = map[string]string{"description": hostile}
	}
	for i := range s.Databases {
		s.Databases[i].Name = hostile + fmt.Sprint(i)
	}
	for i := range s.Dependencies {
		s.Dependencies[i].Name = hostile + fmt.Sprint(i)
	}
	return s
}

// terminalUnsafe is the shared check of what reaches the terminal.
var terminalUnsafe = tuitest.TerminalUnsafe

// requireHarmless checks a frame the model drew: nothing but colour
// reaches the terminal, and the hostile name is shown readably.
func requireHarmless(t *testing.T, what, frame string) {
	t.Helper()
	if bad := terminalUnsafe(frame); bad != "" {
		t.Fatalf("%s: passes %s to the terminal:\n%s", what, bad, ansi.Strip(frame))
	}
	if !strings.Contains(frame, "evil␛[2J") {
		t.Fatalf("%s: hostile name not shown readably:\n%s", what, ansi.Strip(frame))
	}
}

func TestHostileNamesHarmlessOnEveryScreen(t *testing.T) {
	if terminalUnsafe(hostile) == "" {
		t.Fatal("checker accepts the raw hostile name")
	}
	snap := hostileDemo(t)
	for _, sc := range screens {
		switch sc.name {
		case "help", "palette", "checks", "incident", "silences", "deploys":
			// No fleet names on these screens (silences come from
			// Alertmanager, deployments need config: both are tested in
			// views and TestDeploysRenderHostileVersionsHarmless).
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			c := startConsole(t, snap, 200, 40, false)
			walk(t, c.Term, sc.steps, "hostile")
			requireHarmless(t, sc.name, c.Sync())
		})
	}
}

func TestHostileTargetHarmlessInConfirmAndNotices(t *testing.T) {
	c := &console{Term: startUI(t, actionModel(t, &fakeRunner{}, hostileDemo(t), false), 200, 40)}
	// The fake plans "docker@test: restart <target>" with the target as
	// the word to type: both quote the hostile name.
	c.Send(kit.ActionMsg{Kind: backend.ActKindRestart, Target: hostile})
	c.WaitFor("Type evil␛[2J")
	c.WaitFor("• docker@test: restart evil␛[2J")
	requireHarmless(t, "confirm dialog", c.Sync())

	ro := &console{Term: startUI(t, actionModel(t, &fakeRunner{}, hostileDemo(t), true), 200, 40)}
	ro.Send(kit.ActionMsg{Kind: backend.ActKindRestart, Target: hostile})
	ro.WaitFor("read-only: restart evil␛[2J")
	requireHarmless(t, "read-only notice", ro.Sync())
}
