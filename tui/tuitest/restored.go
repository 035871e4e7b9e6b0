//go:build unix

package tuitest

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Restored says whether the program gave the terminal back as it found
// it, as a shell needs it after the program exits: the main screen (not
// the alternate one), a visible cursor, and a line discipline that echoes
// and reads lines. Call it after Wait or Quit.
func (c *Console) Restored() error {
	var errs []error
	if c.emu.IsAltScreen() {
		errs = append(errs, errors.New("still on the alternate screen"))
	}
	if c.emu.CursorHidden() {
		errs = append(errs, errors.New("the cursor is hidden"))
	}
	// The pty's modes are the terminal's: read them from the master.
	t, err := unix.IoctlGetTermios(int(c.pty.Fd()), ioctlGetTermios)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("reading the terminal's modes: %w", err))
	case t.Lflag&unix.ECHO == 0 || t.Lflag&unix.ICANON == 0:
		errs = append(errs, fmt.Errorf("left in raw mode (lflag %#x: no ECHO or ICANON)", t.Lflag))
	}
	return errors.Join(errs...)
}

// Taken says whether the program holds the terminal as a full-screen
// console must while it runs: the alternate screen, the cursor hidden, and
// raw input (no echo, no line editing: every key reaches it at once).
func (c *Console) Taken() error {
	var errs []error
	if !c.emu.IsAltScreen() {
		errs = append(errs, errors.New("not on the alternate screen"))
	}
	if !c.emu.CursorHidden() {
		errs = append(errs, errors.New("the cursor is visible"))
	}
	t, err := unix.IoctlGetTermios(int(c.pty.Fd()), ioctlGetTermios)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("reading the terminal's modes: %w", err))
	case t.Lflag&(unix.ECHO|unix.ICANON) != 0:
		errs = append(errs, fmt.Errorf("not in raw mode (lflag %#x: ECHO or ICANON on)", t.Lflag))
	}
	return errors.Join(errs...)
}
