//go:build !windows

package screen

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// Terminal is the local terminal the console runs on, in raw mode. Bubble
// Tea does this itself only when it renders, so a program drawing through a
// Screen needs it.
type Terminal struct {
	in, out *os.File
	state   *term.State
}

// OpenTerminal puts in into raw mode; in and out must both be terminals
// (ErrNoTerminal otherwise: let Bubble Tea's renderer draw).
func OpenTerminal(in, out *os.File) (*Terminal, error) {
	if !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return nil, ErrNoTerminal
	}
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		return nil, fmt.Errorf("raw mode: %w", err)
	}
	return &Terminal{in: in, out: out, state: state}, nil
}

// AskBackground asks the terminal for its background colour (OSC 11) at
// once; Bubble Tea reads the answer as a tea.BackgroundColorMsg. Asked
// through Bubble Tea (tea.RequestBackgroundColor), the query waits in its
// buffer for the next flush: a second later without its renderer, or at
// exit, when the answer lands in the shell. Call it before the Screen
// starts drawing, so the query cannot split a frame.
func (t *Terminal) AskBackground() error {
	_, err := t.out.WriteString(ansi.RequestBackgroundColor)
	return err
}

// Size is the terminal's width and height in cells.
func (t *Terminal) Size() (width, height int, err error) {
	return term.GetSize(t.out.Fd())
}

// WatchResize sends a WindowSizeMsg on every SIGWINCH until ctx ends.
func (t *Terminal) WatchResize(ctx context.Context, send func(tea.Msg)) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	for {
		select {
		case <-ctx.Done():
			return
		case <-winch:
			if w, h, err := t.Size(); err == nil {
				send(tea.WindowSizeMsg{Width: w, Height: h})
			}
		}
	}
}

// Restore returns the terminal to the mode it had before OpenTerminal.
func (t *Terminal) Restore() error {
	return term.Restore(t.in.Fd(), t.state)
}
