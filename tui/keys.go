package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/views/kit"
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
		cmd, write := m.export.update(msg)
		if write != nil {
			return tea.Batch(cmd, m.exportCmd(*write))
		}
		return cmd
	}
	a := m.active()
	if c, ok := a.(kit.Capturer); ok && c.Capturing() {
		return a.Update(msg)
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back) {
			m.showHelp = false
		} else if key.Matches(msg, k.Quit) {
			return m.quit()
		}
		return nil
	}
	if o, ok := a.(kit.KeyOwner); ok && o.OwnsKey(msg) {
		return a.Update(msg)
	}
	for _, r := range m.refused {
		if key.Matches(msg, r.Binding) {
			return notify(kit.LevelWarn, "read-only: "+r.Name+" is not allowed")
		}
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
	case key.Matches(msg, k.Check):
		return m.open("check", "")
	case key.Matches(msg, k.Refresh):
		hub := m.opts.Hub
		return tea.Batch(func() tea.Msg { hub.Refresh(); return nil }, notify(kit.LevelInfo, "refreshing all sources"))
	}
	for i, spec := range m.specs {
		if b := k.Views[spec.Name]; b != nil && key.Matches(msg, *b) {
			return m.switchTo(i)
		}
	}
	// esc undoes the screen's own state first (an applied filter), then
	// closes a detail.
	if key.Matches(msg, k.Back) {
		if b, ok := a.(kit.Backer); ok && b.Back() {
			return nil
		}
		if len(m.stack) > 0 {
			m.pop()
		}
		return nil
	}
	return a.Update(msg)
}
