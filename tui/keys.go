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
		if key.Matches(msg, k.Help, k.Back) || m.closes(msg) {
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
		if m.closes(msg) && len(m.stack) > 0 {
			m.back(a) // q on a detail is esc: it quits only from a tab
			return nil
		}
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
	if key.Matches(msg, k.Back) {
		m.back(a)
		return nil
	}
	return a.Update(msg)
}

// back is esc: it undoes the screen's own state first (an applied
// filter, a search), then closes a detail.
func (m *Model) back(a kit.Screen) {
	if b, ok := a.(kit.Backer); ok && b.Back() {
		return
	}
	if len(m.stack) > 0 {
		m.pop()
	}
}

// closes says msg is a quit key that closes before it quits: q, as in
// less and vim, closes the help, a confirmation or a detail, and quits
// only from a tab. ctrl+c is the way out from anywhere (once no action
// runs) and always quits. Where text is typed, q never gets here.
func (m *Model) closes(msg tea.KeyPressMsg) bool {
	return msg.String() != "ctrl+c" && key.Matches(msg, m.opts.Keys.Quit)
}

// quitWord is what the status bar says q does now: close the help,
// cancel a confirmation, go back from a detail, or quit; "" while it is a
// letter of the text being typed.
func (m *Model) quitWord() string {
	a := m.active()
	switch {
	case m.confirm.open() && m.confirm.typing(), m.palette.open, m.export.open:
		return ""
	case m.confirm.open():
		return "cancel"
	}
	if c, ok := a.(kit.Capturer); ok && c.Capturing() {
		return ""
	}
	switch {
	case m.showHelp:
		return "close"
	case len(m.stack) > 0:
		return "back"
	}
	return "quit"
}
