package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/backend/health"
	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/backend/sim"
)

func (c *cli) checkCommand() *cobra.Command {
	var (
		timeout        time.Duration
		asJSON, schema bool
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Run every configured health check once",
		Long: prose(`Probe every configured health_url concurrently, each with --timeout, and print
service, URL, HTTP code, latency and PASS or FAIL with the reason. On the demo
fleet the simulator answers: nothing leaves the machine.

Exit status: 0 every check passed; 1 a check got an answer that is not 2xx;
2 a usage or config error, or no health_url is configured; 3 a check got no
answer at all (connection refused, timed out, a name that does not resolve:
this wins over 1).`),
		Args: c.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := positiveDuration(cmd, "timeout", timeout); err != nil {
				return err
			}
			if schema {
				_, err := cmd.OutOrStdout().Write(report.SchemaJSON(report.CheckSchema()))
				return err
			}
			app, err := c.oneShot()
			if err != nil {
				return err
			}
			defer app.close()
			if hc, ok := app.checker.(*health.Checker); ok {
				hc.Timeout = timeout
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout+30*time.Second)
			defer cancel()
			results := app.checker.CheckAll(ctx)
			if len(results) == 0 {
				return configError{fmt.Errorf("%s: no health_url is configured; nothing to check", app.cfg.File)}
			}
			_, simulated := app.checker.(*sim.Fleet)
			doc := report.FromChecks(app.cfg.Environment, simulated, results)
			if asJSON {
				err = writeJSON(cmd.OutOrStdout(), doc)
			} else {
				err = doc.WriteTable(cmd.OutOrStdout())
			}
			if err != nil {
				return err
			}
			return exitWith(doc.ExitCode())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (docs/status-json.md)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "timeout of each check (more than 0)")
	cmd.Flags().BoolVar(&schema, "json-schema", false, "print the JSON Schema of --json and exit")
	return cmd
}
