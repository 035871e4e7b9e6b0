package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// positiveDuration refuses a duration flag of 0 or less: a check given no
// time fails every service at once, and would report the fleet down when
// the command line is what is wrong.
func positiveDuration(cmd *cobra.Command, name string, d time.Duration) error {
	if d > 0 {
		return nil
	}
	return usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf("--%s %v: must be more than 0", name, d)}
}

// jsonOrFormat refuses --json with an explicit --format that is not json:
// which of the two was meant is anybody's guess, and a script parsing the
// output should not get the one it did not ask for.
func jsonOrFormat(cmd *cobra.Command, asJSON bool, format string) error {
	if !asJSON || !cmd.Flags().Changed("format") || format == "json" {
		return nil
	}
	return usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf("--json and --format %s: choose one", format)}
}
