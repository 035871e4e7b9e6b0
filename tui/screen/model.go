package screen

import tea "charm.land/bubbletea/v2"

// Model wraps a program's root model so that its views reach a Screen. Run
// the program WithoutRenderer: Bubble Tea then still reads keys, delivers
// messages and asks for a view after each one, and the Screen draws it.
type Model struct {
	inner  tea.Model
	screen *Screen
}

// Wrap returns m drawing on s.
func Wrap(m tea.Model, s *Screen) Model { return Model{inner: m, screen: s} }

// Init is the wrapped model's.
func (m Model) Init() tea.Cmd { return m.inner.Init() }

// Update tells the Screen of size and colour changes, then updates the
// wrapped model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.screen.Resize(msg.Width, msg.Height)
	case tea.ColorProfileMsg:
		m.screen.SetProfile(msg.Profile)
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View hands the wrapped model's view to the Screen, which draws it on its
// own goroutine, and returns an empty view for Bubble Tea's (absent)
// renderer.
func (m Model) View() tea.View {
	m.screen.Show(m.inner.View())
	return tea.View{}
}
