package main

import (
	"context"
	"errors"
	"os"
	"runtime"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/manacore/opsdeck/tui/screen"
)

// frameRate caps Bubble Tea's own renderer where it draws (the output is
// not a terminal, or Windows). Its renderer wakes up this often even when
// nothing changed; 30 (not the default 60) halves that idle cost and still
// shows a key's effect within about 33 ms.
const frameRate = 30

// runConsole runs the console's program. On a terminal it draws through
// tui/screen: a frame when the view changes and none otherwise, where
// Bubble Tea's renderer would wake frameRate times a second to look (that
// ticker alone was the whole idle-CPU budget; see BENCHMARKS.md). profile
// is the pinned colour profile, if pinned. askBackground says the theme
// wants the terminal's background; newModel is told whether it was asked.
func runConsole(ctx context.Context, newModel func(askedBackground bool) tea.Model, askBackground bool, opts []tea.ProgramOption, profile *colorprofile.Profile) error {
	term, err := screen.OpenTerminal(os.Stdin, os.Stdout)
	if errors.Is(err, screen.ErrNoTerminal) {
		// Bubble Tea's renderer flushes its queries with its frames.
		_, err := tea.NewProgram(newModel(false), append(opts, tea.WithFPS(frameRate))...).Run()
		return err
	}
	if err != nil {
		return err
	}
	// Asked now, in raw mode: the answer waits in the terminal's input for
	// Bubble Tea to read, while the first frames are drawn dark.
	asked := askBackground && term.AskBackground() == nil
	m := newModel(asked)
	// Deferred first, so it runs last: what went to stderr meanwhile (a
	// recovered panic's report) appears on the restored terminal.
	defer holdStderr()()
	defer func() { _ = term.Restore() }()
	w, h, err := term.Size()
	if err != nil {
		return err
	}
	p := colorprofile.Detect(os.Stdout, os.Environ())
	if profile != nil {
		p = *profile
	}
	scr := screen.New(os.Stdout, os.Environ(), w, h, p)
	scr.Start()
	defer func() { _ = scr.Close() }()
	opts = append(opts,
		tea.WithInput(os.Stdin), tea.WithOutput(os.Stdout),
		tea.WithWindowSize(w, h),
		// Bubble Tea still runs its flush ticker without a renderer;
		// 1 Hz is the slowest it allows and it has nothing to flush.
		tea.WithoutRenderer(), tea.WithFPS(1))
	prog := tea.NewProgram(screen.Wrap(m, scr), opts...)
	go term.WatchResize(ctx, prog.Send)
	_, err = prog.Run()
	return err
}

// consoleProcs runs the console on one P unless GOMAXPROCS says otherwise.
// An idle console is a handful of goroutines waking a few times a second;
// with a second P every wake-up handed work between two threads (futex
// wake-ups, a spinning M looking for more): side by side on the test bed
// with 200 containers and every source at 2 s, 18-19 CPU ticks a minute
// against 22-24 (BENCHMARKS.md). Nothing the console does needs a second
// core: its sources wait on the network, and the largest decode (a
// refresh of 1,000 services) takes milliseconds. It returns a func that
// restores the previous setting.
func consoleProcs(getenv func(string) string) func() {
	if getenv("GOMAXPROCS") != "" {
		return func() {}
	}
	prev := runtime.GOMAXPROCS(1)
	return func() { runtime.GOMAXPROCS(prev) }
}
