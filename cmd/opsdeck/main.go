// Command opsdeck is a terminal operations console for on-call engineers.
//
// Without a config it opens on the built-in simulated fleet (marked DEMO).
// This package is the command line (spf13/cobra, styled by charm.land/fang)
// and the wiring of the pieces; the logic lives in backend/, tui/ and
// views/.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is the whole command line: it parses args, runs the command and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return runContext(context.Background(), args, stdout, stderr, getenv)
}

// runContext is run with a context whose end is what a signal is to the
// command (serve drains and stops): tests run serve in-process with it.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	c := &cli{stdout: stdout, stderr: stderr, getenv: getenv}
	defer c.close()
	root := c.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(ctx, root,
		fang.WithVersion(versionString(buildInfo())),
		// Our own man command: fang's has no files, environment or exit
		// status sections, and writes to os.Stdout whatever SetOut says.
		fang.WithoutManpage(),
		fang.WithErrorHandler(errorHandler(stderr)),
	)
	return exitCode(err)
}

// flags are the settings a command line gives the wiring (build).
type flags struct {
	config   string
	seed     int64
	clock    string
	readOnly bool
	noColor  bool
	theme    string // --theme: a built-in theme or a palette file; "": the config's
	demo     bool   // the embedded demo fleet, whatever config or engine is found
	// log gets what the sources log (each fetch at debug level); it is not
	// a flag but what --log-level made. nil: nothing is logged.
	log *slog.Logger
}

// colorProfile pins the Ascii profile (bold and reverse, no colour) for
// --no-color and NO_COLOR (any non-empty value, as no-color.org says);
// otherwise Bubble Tea detects the terminal's.
func colorProfile(f flags, getenv func(string) string) (colorprofile.Profile, bool) {
	if f.noColor || getenv("NO_COLOR") != "" {
		return colorprofile.Ascii, true
	}
	return 0, false
}

// frozenClock returns a clock stuck at t, or nil for the wall clock.
func frozenClock(spec string) (func() time.Time, error) {
	if spec == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, spec)
	if err != nil {
		return nil, fmt.Errorf("--clock: %w", err)
	}
	return func() time.Time { return t }, nil
}
