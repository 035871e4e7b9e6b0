package screen

import (
	"fmt"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

type counter struct {
	keys, w, h int
}

func (c counter) Init() tea.Cmd { return nil }

func (c counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return c, tea.Quit
		}
		c.keys++
	case tea.WindowSizeMsg:
		c.w, c.h = msg.Width, msg.Height
	}
	return c, nil
}

func (c counter) View() tea.View {
	return tea.View{Content: fmt.Sprintf("keys %d\nsize %dx%d", c.keys, c.w, c.h), AltScreen: true}
}

// A Bubble Tea program run WithoutRenderer draws through the Screen: keys
// and resizes reach the model and its views reach the terminal, without
// Bubble Tea's renderer.
func TestProgramDrawsThroughScreen(t *testing.T) {
	term := newTTY(30, 4)
	s := New(term, env, 30, 4, colorprofile.ANSI256)
	s.Start()
	in, keys := io.Pipe()
	p := tea.NewProgram(Wrap(counter{}, s),
		tea.WithInput(in), tea.WithOutput(io.Discard),
		tea.WithoutRenderer(), tea.WithFPS(1), tea.WithWindowSize(30, 4),
		tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()

	waitScreen(t, term, "size 30x4")
	_, _ = io.WriteString(keys, "jjj")
	waitScreen(t, term, "keys 3")

	term.mu.Lock()
	term.emu.Resize(40, 6)
	term.mu.Unlock()
	p.Send(tea.WindowSizeMsg{Width: 40, Height: 6})
	waitScreen(t, term, "size 40x6")
	if s.cells.Width() != 40 {
		t.Errorf("screen width %d after resize", s.cells.Width())
	}

	_, _ = io.WriteString(keys, "q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("program did not quit")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if term.alt {
		t.Fatal("still in the alternate screen after Close")
	}
}
