package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// subcommand parses the flags of a one-shot subcommand (status, check):
// the common flags, --json, and whatever extra adds; then it builds the
// app. When it returns ok=false the caller exits with code.
func subcommand(name, usage string, args []string, stderr io.Writer, getenv func(string) string, extra func(*flag.FlagSet)) (a *app, f flags, code int, ok bool) {
	fs := flag.NewFlagSet("opsdeck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	commonFlags(fs, &f)
	fs.BoolVar(&f.json, "json", false, "print JSON (the contract documented in the README) instead of a table")
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nflags:\n", usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, f, 0, false
		}
		return nil, f, exitUsage, false
	}
	a, err := build(f, getenv)
	if err != nil {
		return nil, f, reportBuildError(stderr, err), false
	}
	return a, f, 0, true
}
