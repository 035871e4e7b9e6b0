package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views"
)

// key applies the precedence of pipeline rule 4.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.opts.Keys
	// ctrl+c cancels a running action before it ever quits: the reflex
	// of an engineer who sees the wrong thing happen.
	if msg.String() == "ctrl+c" {
		if cmd, ok := m.cancelRunning(); ok {
			return cmd
		}
	}
	if m.confirm.open() {
		return m.confirmKey(msg)
	}
	if m.palette.open {
		cmd, run := m.palette.update(msg)
		if run != "" {
			return tea.Batch(cmd, m.run(run))
		}
		return cmd
	}
	if m.export.open {
		cmd, path := m.export.update(msg)
		if path != "" {
			return tea.Batch(cmd, exportCmd(m.snap, path))
		}
		return cmd
	}
	if m.active().Capturing() {
		return m.active().Update(msg)
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back) {
			m.showHelp = false
		} else if key.Matches(msg, k.Quit) {
			return m.quit()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, k.Palette):
		return m.palette.start()
	case key.Matches(msg, k.Export):
		return m.startExport()
	case key.Matches(msg, k.Check) && m.active().Name() != "check":
		return views.OpenChecks(m.common)
	case key.Matches(msg, k.Refresh):
		hub := m.opts.Hub
		return tea.Batch(func() tea.Msg { hub.Refresh(); return nil }, notify(levelInfo, "refreshing all sources"))
	}
	for i, v := range m.tabs {
		if b := k.Views[v.Name()]; b != nil && key.Matches(msg, *b) {
			return m.switchTo(i)
		}
	}
	// esc undoes the view's own state first (an applied filter), then
	// closes a detail.
	if key.Matches(msg, k.Back) {
		if !m.active().Back() && len(m.stack) > 0 {
			closeView(m.stack[len(m.stack)-1])
			m.stack = m.stack[:len(m.stack)-1]
			m.freshen()
		}
		return nil
	}
	return m.active().Update(msg)
}
