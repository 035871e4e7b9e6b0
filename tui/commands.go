package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views"
)

// commands lists what the palette can run: every view, then the shell's
// own commands.
func (m *Model) commands() []command {
	var out []command
	for _, v := range m.tabs {
		out = append(out, command{name: v.Name(), help: "show " + v.Title(), aliases: viewAliases[v.Name()]})
	}
	return append(out,
		command{name: "help", help: "show key bindings", aliases: []string{"h"}},
		command{name: "check", help: "run every health check", aliases: []string{"health"}},
		command{name: "silences", help: "list Alertmanager silences (X expires one)", aliases: []string{"sil", "silence"}},
		command{name: "export", help: "write the snapshot as markdown and JSON"},
		command{name: "refresh", help: "fetch every source now"},
		command{name: "quit", help: "leave opsdeck", aliases: []string{"q", "q!"}},
	)
}

// viewAliases are the short names k9s users type.
var viewAliases = map[string][]string{
	"overview":     {"ov", "home"},
	"services":     {"svc", "s"},
	"fleet":        {"hosts", "all"},
	"latency":      {"lat", "p95"},
	"alerts":       {"a", "al"},
	"databases":    {"db", "dbs", "pg"},
	"dependencies": {"deps", "dep"},
	"resources":    {"res", "top"},
	"incident":     {"dr", "wizard", "inc"},
	"deploys":      {"deploy", "bg", "canary"},
}

// run executes a palette command.
func (m *Model) run(name string) tea.Cmd {
	for i, v := range m.tabs {
		if v.Name() == name {
			return m.switchTo(i)
		}
	}
	switch name {
	case "help":
		m.showHelp = true
		return nil
	case "check":
		return views.OpenChecks(m.common)
	case "silences":
		return views.OpenSilences(m.common)
	case "export":
		return m.startExport()
	case "refresh":
		hub := m.opts.Hub
		return func() tea.Msg { hub.Refresh(); return nil }
	case "quit":
		return m.quit()
	}
	return notify(levelError, "unknown command :"+name)
}
