package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"

	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views"
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

func requireHarmless(t *testing.T, what string, m *Model) {
	t.Helper()
	out := m.View().Content
	if bad := terminalUnsafe(out); bad != "" {
		t.Fatalf("%s: passes %s to the terminal:\n%s", what, bad, ansi.Strip(out))
	}
	if !strings.Contains(out, "evil␛[2J") {
		t.Fatalf("%s: hostile name not shown readably:\n%s", what, ansi.Strip(out))
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
			// views).
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			m := sized(t, snap, 200, 40, false)
			typeKeys(m, sc.keys...)
			typeText(m, sc.text)
			requireHarmless(t, sc.name, m)
		})
	}
}

func TestHostileTargetHarmlessInConfirmAndNotices(t *testing.T) {
	m := sized(t, hostileDemo(t), 200, 40, false)
	m.opts.Actions = &fakeRunner{}
	m.confirm.grace = 0
	// The fake plans "docker@test: restart <target>" with the target as
	// the word to type: both quote the hostile name.
	send(m, views.ActionMsg{Kind: views.ActionRestart, Service: hostile})
	requireHarmless(t, "confirm dialog", m)
	if s := ansi.Strip(m.View().Content); !strings.Contains(s, "• docker@test: restart evil␛[2J") || !strings.Contains(s, "Type evil␛[2J") {
		t.Fatalf("plan step or confirm word not shown:\n%s", s)
	}

	ro := sized(t, hostileDemo(t), 200, 40, true)
	send(ro, views.ActionMsg{Kind: views.ActionRestart, Service: hostile})
	requireHarmless(t, "read-only notice", ro)
	if s := ansi.Strip(ro.View().Content); !strings.Contains(s, "refused") {
		t.Fatalf("no notice shown:\n%s", s)
	}
}
