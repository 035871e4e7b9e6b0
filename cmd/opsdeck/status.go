package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/manacore/opsdeck/backend/report"
)

// runStatus is `opsdeck status`: one fetch of every source, printed as a
// table or JSON, for scripts and cron. Exit 0 healthy, 1 degraded or
// firing, 2 config error or unreachable source.
func runStatus(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	format := "table"
	app, f, code, ok := subcommand("status",
		"usage: opsdeck status [--json | --format table|json|markdown] [flags]\n\nPrint a snapshot of the fleet. Exit 0 healthy, 1 degraded or firing, 2 config error or unreachable source.",
		args, stderr, getenv, func(fs *flag.FlagSet) {
			fs.StringVar(&format, "format", format, "table, json or markdown")
		})
	if !ok {
		return code
	}
	defer app.close()
	// Every source is bounded by its own timeout inside the poller; this
	// outer bound only guards against a source that ignores its context.
	ctx, cancel := context.WithTimeout(context.Background(), app.maxTimeout()+5*time.Second)
	defer cancel()
	app.start(ctx)
	rep := report.FromSnapshot(app.poller.Once(ctx))
	if f.json {
		format = "json"
	}
	var err error
	switch format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case "markdown", "md":
		err = rep.WriteMarkdown(stdout)
	case "table":
		err = rep.WriteTable(stdout)
	default:
		fmt.Fprintf(stderr, "opsdeck: --format %q: use table, json or markdown\n", format)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintln(stderr, "opsdeck:", err)
		return exitUsage
	}
	return rep.ExitCode()
}
