// Command opsdeck is a terminal operations console for on-call engineers.
//
// Without a config it opens on the built-in simulated fleet (marked DEMO).
// This file parses flags and wires the pieces together; the logic lives in
// backend/, tui/ and views/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/tui"
)

// Set by the linker (see .goreleaser.yaml and the Makefile).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// exitUsage is the exit code for a bad config or bad flags.
const exitUsage = 2

type flags struct {
	config   string
	seed     int64
	clock    string
	readOnly bool
	noColor  bool
	version  bool
	json     bool // status only
}

// commonFlags are the flags every subcommand takes: where the fleet is
// and how to pin the simulator.
func commonFlags(fs *flag.FlagSet, f *flags) {
	fs.StringVar(&f.config, "config", "", "config file (default: $OPSDECK_CONFIG, then $XDG_CONFIG_HOME/opsdeck/config.yaml, then the built-in demo fleet)")
	fs.Int64Var(&f.seed, "seed", 0, "simulator seed (overrides sources.simulator.seed)")
	fs.StringVar(&f.clock, "clock", "", "freeze the clock at this RFC 3339 time (reproducible demo screens)")
}

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("opsdeck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	commonFlags(fs, &f)
	fs.BoolVar(&f.readOnly, "read-only", false, "hide and refuse every action on the fleet")
	fs.BoolVar(&f.noColor, "no-color", false, "no colours (NO_COLOR is honoured too)")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: opsdeck [flags]\n       opsdeck status [--json] [flags]\n       opsdeck check [--json] [--timeout 5s] [flags]\n       opsdeck serve [--listen 127.0.0.1:2222] [flags]\n\nA terminal operations console for on-call engineers.\n\nflags:\n")
		fs.PrintDefaults()
	}
	return f, fs.Parse(args)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return runStatus(args[1:], stdout, stderr, getenv)
		case "check":
			return runCheck(args[1:], stdout, stderr, getenv)
		case "serve":
			return runServe(args[1:], stdout, stderr, getenv)
		}
	}
	f, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return exitUsage
	}
	if f.version {
		fmt.Fprintln(stdout, versionString())
		return 0
	}
	app, err := build(f, getenv)
	if err != nil {
		return reportBuildError(stderr, err)
	}
	defer app.close()
	if err := app.enableActions(getenv); err != nil {
		fmt.Fprintln(stderr, "opsdeck: actions:", err)
		return 1
	}

	stopProfiles, err := startProfiles(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "opsdeck:", err)
		return 1
	}
	defer stopProfiles()
	defer consoleProcs(getenv)()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app.start(ctx)
	go app.poller.Run(ctx)

	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	var pinned *colorprofile.Profile
	if profile, ok := colorProfile(f, getenv); ok {
		opts = append(opts, tea.WithColorProfile(profile))
		pinned = &profile
	}
	if err := runConsole(ctx, tui.New(ctx, app.ui), opts, pinned); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		fmt.Fprintln(stderr, "opsdeck:", err)
		return 1
	}
	return 0
}

// reportBuildError prints why the console cannot start and returns the
// usage exit code. A config error already reads "file:line:col: message".
func reportBuildError(stderr io.Writer, err error) int {
	if ce := (*config.Error)(nil); !errors.As(err, &ce) {
		fmt.Fprint(stderr, "opsdeck: ")
	}
	fmt.Fprintln(stderr, err)
	return exitUsage
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

func versionString() string {
	s := "opsdeck " + version
	if commit != "" {
		s += " (" + commit
		if date != "" {
			s += ", " + date
		}
		s += ")"
	}
	return s
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
