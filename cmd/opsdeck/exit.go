package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"charm.land/fang/v2"
	"github.com/charmbracelet/x/term"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/report"
)

// Exit statuses, in the monitoring-plugins order that cron jobs and
// Nagios-style checks act on. status and check use all four.
const (
	exitOK          = report.ExitHealthy     // 0: healthy, or the command did what it was asked
	exitDegraded    = report.ExitDegraded    // 1: degraded or firing; for other commands, it failed
	exitUsage       = 2                      // 2: bad command line or config
	exitUnreachable = report.ExitUnreachable // 3: a source could not be reached
)

// exitStatus ends a command with a status and nothing printed: status and
// check say everything on stdout, then exit 1 or 3.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a bad command line: an unknown command or flag, a stray
// argument, a bad flag value. It exits 2 with a pointer to --help.
type usageError struct {
	cmd string // the command path, for the hint: "opsdeck status"
	msg string
}

func (e usageError) Error() string { return e.msg }

// configError is a config that cannot be used (not found, does not load,
// a rebinding the keymap refuses). It exits 2; a config.Error inside
// already reads "file:line:col: message".
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// exitCode maps what a command returned to the process's exit status.
func exitCode(err error) int {
	var (
		status exitStatus
		usage  usageError
		cfg    configError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage), errors.As(err, &cfg):
		return exitUsage
	}
	return exitDegraded
}

// errorHandler prints a command's error for fang: nothing for a bare exit
// status; on a terminal fang's styled box; otherwise (cron, pipes, CI)
// plain lines a script or a mail reader can take: "opsdeck: …", a config
// problem as "file:line:col: …", a usage error with where help is.
func errorHandler(stderr io.Writer) fang.ErrorHandler {
	return func(w io.Writer, styles fang.Styles, err error) {
		var status exitStatus
		if errors.As(err, &status) {
			return
		}
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(f.Fd()) {
			fang.DefaultErrorHandler(w, styles, err)
			return
		}
		var (
			ce    *config.Error
			usage usageError
		)
		switch {
		case errors.As(err, &ce):
			fmt.Fprintln(w, err)
		case errors.As(err, &usage):
			fmt.Fprintf(w, "opsdeck: %s\nRun '%s --help' for usage.\n", usage.msg, usage.cmd)
		default:
			fmt.Fprintln(w, "opsdeck:", err)
		}
	}
}
