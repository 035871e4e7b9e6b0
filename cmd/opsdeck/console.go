package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/tui"
)

// runConsole is `opsdeck` with no command: the console. Its log goes to
// the log file only: while the console owns the terminal nothing else may
// write to it.
func (c *cli) runConsole(cmd *cobra.Command, _ []string) error {
	log, _ := c.fileLog()
	f := c.f
	f.log = log
	app, err := build(f, c.getenv)
	if err != nil {
		log.Error("console cannot start", "err", err)
		return configError{err}
	}
	defer app.close()
	log.Info("console start", "version", cmd.Root().Version, "config", app.cfg.File)
	if err := app.enableActions(c.getenv); err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	app.ui.Notice = interruptedNotice(app.interrupted)
	for _, p := range app.interrupted {
		log.Warn("action interrupted", "kind", p.Before.Kind, "target", p.Before.Target, "user", p.Before.User, "id", p.Before.ID)
	}
	defer consoleProcs(c.getenv)()
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	app.start(ctx)
	go app.poller.Run(ctx)

	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	var pinned *colorprofile.Profile
	if profile, ok := colorProfile(c.f, c.getenv); ok {
		opts = append(opts, tea.WithColorProfile(profile))
		pinned = &profile
		app.ui.NoColor = true // no colour to choose: the background is not asked
	}
	newModel := func(asked bool) tea.Model {
		ui := app.ui
		ui.AskedBackground = asked
		return tui.New(ctx, ui)
	}
	err = runConsole(ctx, newModel, app.ui.Theme.Adaptive() && !app.ui.NoColor, opts, pinned)
	if errors.Is(err, tea.ErrProgramKilled) {
		err = nil
	}
	if err != nil && !term.IsTerminal(os.Stdout.Fd()) {
		// From cron or a pipe, Bubble Tea's own words ("could not open a
		// new TTY") do not say what to run instead.
		err = fmt.Errorf("%w (the console needs a terminal; from scripts use opsdeck status or opsdeck check)", err)
	}
	if err != nil {
		log.Error("console stop", "err", err)
	} else {
		log.Info("console stop")
	}
	return err
}
