//go:build windows

package screen

import (
	"context"
	"os"

	tea "charm.land/bubbletea/v2"
)

// Terminal is not implemented on Windows: its console modes are Bubble
// Tea's business, so OpenTerminal always answers ErrNoTerminal and Bubble
// Tea's renderer draws.
type Terminal struct{}

// OpenTerminal answers ErrNoTerminal on Windows.
func OpenTerminal(in, out *os.File) (*Terminal, error) { return nil, ErrNoTerminal }

// AskBackground is never called on Windows.
func (t *Terminal) AskBackground() error { return ErrNoTerminal }

// Size is never called on Windows.
func (t *Terminal) Size() (width, height int, err error) { return 0, 0, ErrNoTerminal }

// WatchResize is never called on Windows.
func (t *Terminal) WatchResize(ctx context.Context, send func(tea.Msg)) {}

// Restore is never called on Windows.
func (t *Terminal) Restore() error { return nil }
