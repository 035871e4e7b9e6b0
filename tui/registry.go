package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views/alerts"
	"github.com/manacore/opsdeck/views/checks"
	"github.com/manacore/opsdeck/views/contacts"
	"github.com/manacore/opsdeck/views/databases"
	"github.com/manacore/opsdeck/views/dependencies"
	"github.com/manacore/opsdeck/views/deploys"
	"github.com/manacore/opsdeck/views/incident"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/latency"
	"github.com/manacore/opsdeck/views/logs"
	"github.com/manacore/opsdeck/views/overview"
	"github.com/manacore/opsdeck/views/resources"
	"github.com/manacore/opsdeck/views/services"
)

// tabs are the top-level screens in tab order: each registers its name,
// title and aliases once, in its own package; the tab bar, the switch keys
// (1-9, 0), the palette and help all come from this list.
func tabs() []kit.Tab {
	return []kit.Tab{
		overview.Tab(dashboard()...), services.Tab(), services.FleetTab(), latency.Tab(), alerts.Tab(),
		databases.Tab(), dependencies.Tab(), resources.Tab(), incident.Tab(), deploys.Tab(),
	}
}

// dashboard are the overview's panels where the terminal has room for
// the seed's whole board, in overview.Panel* order: the tabs' own screens,
// and the 24 h chart of the worst three services.
func dashboard() []overview.Panel {
	return []overview.Panel{
		overview.PanelServices:     {Tab: "services", New: services.Tab().New, Min: 8, Grow: 3},
		overview.PanelChart:        {Tab: "latency", New: func(c kit.Common) kit.Screen { return latency.NewWorstChart(c, 3) }, Min: 12, Grow: 2},
		overview.PanelResources:    {Tab: "resources", New: resources.Tab().New, Min: 9, Grow: 1},
		overview.PanelAlerts:       {Tab: "alerts", New: alerts.Tab().New, Min: 5, Grow: 1},
		overview.PanelDatabases:    {Tab: "databases", New: databases.Tab().New, Min: 6, Grow: 1},
		overview.PanelDependencies: {Tab: "dependencies", New: dependencies.Tab().New, Min: 6, Grow: 1},
	}
}

// commands are the screens opened by name (a key, the palette, another
// screen).
func commands() []kit.Command {
	return []kit.Command{checks.Command(), alerts.SilencesCommand(), alerts.RulesCommand(), contacts.Command(), logs.Command(), services.ServiceCommand()}
}

// paletteCommands lists what the palette can run: every tab, every screen
// opened by name, then the shell's own commands.
func (m *Model) paletteCommands() []command {
	var out []command
	for _, t := range m.specs {
		out = append(out, command{name: t.Name, help: "show " + t.Title, aliases: t.Aliases})
	}
	for _, c := range m.commands {
		out = append(out, command{name: c.Name, help: c.Help, aliases: c.Aliases})
	}
	return append(out,
		command{name: "help", help: "show key bindings", aliases: []string{"h"}},
		command{name: "export", help: "write the snapshot as markdown and JSON"},
		command{name: "jobs", help: "the running and recent actions (enter reopens one)", aliases: []string{"actions", "bg"}},
		command{name: "refresh", help: "fetch every source now"},
		command{name: "quit", help: "leave opsdeck", aliases: []string{"q", "q!"}},
	)
}

// run executes a palette command: a tab, a screen by name (with what
// follows the name as its argument, ":logs chat-backend"), or the shell's.
func (m *Model) run(line string) tea.Cmd {
	name, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	arg = strings.TrimSpace(arg)
	for i, t := range m.specs {
		if t.Name == name {
			return m.switchTo(i)
		}
	}
	for _, c := range m.commands {
		if c.Name == name {
			return m.open(name, arg)
		}
	}
	switch name {
	case "help":
		m.showHelp = true
		return nil
	case "export":
		return m.startExport()
	case "jobs":
		return m.push(m.newJobsScreen())
	case "refresh":
		hub := m.opts.Hub
		return func() tea.Msg { hub.Refresh(); return nil }
	case "quit":
		return m.quit()
	}
	return notify(kit.LevelError, "unknown command :"+name)
}
