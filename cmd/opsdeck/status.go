package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/backend/report"
)

const exitStatusHelp = `Exit status: 0 healthy; 1 a service, database or dependency is degraded, or
an alert is firing; 2 a usage or config error; 3 a source could not be reached
(the picture is incomplete: this wins over 1).`

func (c *cli) statusCommand() *cobra.Command {
	var (
		format         string
		asJSON, schema bool
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Print a snapshot of the fleet, for scripts and cron",
		Long: prose(`Fetch every source once and print what the console would show: a table,
JSON (--json, the document of docs/status-json.md, with its schema_version)
or the dashboard as markdown (--format markdown, to attach to an incident).

` + exitStatusHelp),
		Example: "opsdeck status --json | jq '.services[] | select(.status != \"up\")'",
		Args:    c.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if schema {
				_, err := cmd.OutOrStdout().Write(report.SchemaJSON(report.StatusSchema()))
				return err
			}
			if err := jsonOrFormat(cmd, asJSON, format); err != nil {
				return err
			}
			if asJSON {
				format = "json"
			}
			write, ok := statusWriters()[format]
			if !ok {
				return usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf("--format %q: use table, json or markdown", format)}
			}
			app, err := c.oneShot()
			if err != nil {
				return err
			}
			defer app.close()
			// Every source is bounded by its own timeout inside the poller;
			// this outer bound only guards against one that ignores its
			// context.
			ctx, cancel := context.WithTimeout(cmd.Context(), app.maxTimeout()+5*time.Second)
			defer cancel()
			app.start(ctx)
			snap := app.poller.Once(ctx)
			// status never reads the state directory: the deployments'
			// traffic split is Prometheus' alone (or unknown) here.
			rep := report.FromSnapshot(snap).WithDeployments(app.cfg.Deployments, snap, nil)
			if why := app.ui.DemoWhy; why != "" && rep.Demo {
				rep.DemoReason = &why
			}
			if err := write(cmd.OutOrStdout(), rep); err != nil {
				return err
			}
			return exitWith(rep.ExitCode())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (same as --format json; not with another --format)")
	cmd.Flags().StringVar(&format, "format", "table", "table, json or markdown")
	cmd.Flags().BoolVar(&schema, "json-schema", false, "print the JSON Schema of --json and exit")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"table", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// statusWriters print a report in each --format.
func statusWriters() map[string]func(io.Writer, report.Status) error {
	return map[string]func(io.Writer, report.Status) error{
		"table":    func(w io.Writer, r report.Status) error { return r.WriteTable(w) },
		"markdown": func(w io.Writer, r report.Status) error { return r.WriteMarkdown(w) },
		"md":       func(w io.Writer, r report.Status) error { return r.WriteMarkdown(w) },
		"json":     writeJSON[report.Status],
	}
}

func writeJSON[T any](w io.Writer, v T) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// exitWith ends a command with a status: nil for 0.
func exitWith(code int) error {
	if code == exitOK {
		return nil
	}
	return exitStatus(code)
}
