package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/manacore/opsdeck/backend/health"
)

// runCheck is `opsdeck check`: every configured health URL once,
// concurrently, each with a timeout. Exit 0 only when all pass; 1 when
// any fails; 2 on a config error or when nothing is configured to check.
func runCheck(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var timeout time.Duration
	app, f, code, ok := subcommand("check",
		"usage: opsdeck check [--json] [--timeout 5s] [flags]\n\nRun every configured health check. Exit 0 when all pass, 1 when any fails, 2 on a config error.",
		args, stderr, getenv, func(fs *flag.FlagSet) {
			fs.DurationVar(&timeout, "timeout", 5*time.Second, "timeout of each check")
		})
	if !ok {
		return code
	}
	defer app.close()
	if hc, ok := app.checker.(*health.Checker); ok {
		hc.Timeout = timeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout+30*time.Second)
	defer cancel()
	results := app.checker.CheckAll(ctx)
	if len(results) == 0 {
		fmt.Fprintln(stderr, "opsdeck: no health_url is configured; nothing to check")
		return exitUsage
	}
	passed := 0
	for _, r := range results {
		if r.OK {
			passed++
		}
	}
	if f.json {
		type result struct {
			Name      string    `json:"name"`
			URL       string    `json:"url"`
			OK        bool      `json:"ok"`
			Code      *int      `json:"code"`
			LatencyMS *int64    `json:"latency_ms"`
			Error     *string   `json:"error"`
			CheckedAt time.Time `json:"checked_at"`
		}
		out := make([]result, 0, len(results))
		for _, r := range results {
			res := result{Name: r.Target.Name, URL: r.Target.URL, OK: r.OK, CheckedAt: r.At.UTC()}
			if r.Code != 0 {
				res.Code = &r.Code
			}
			if r.Latency > 0 {
				ms := r.Latency.Milliseconds()
				res.LatencyMS = &ms
			}
			if r.Err != "" {
				res.Error = &r.Err
			}
			out = append(out, res)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SERVICE\tURL\tCODE\tLATENCY\tRESULT")
		for _, r := range results {
			res := "PASS"
			if !r.OK {
				res = "FAIL"
				if r.Err != "" {
					res += ": " + r.Err
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%dms\t%s\n", r.Target.Name, r.Target.URL, r.Code, r.Latency.Milliseconds(), res)
		}
		fmt.Fprintf(tw, "\n%d/%d passed\n", passed, len(results))
		_ = tw.Flush()
	}
	if passed != len(results) {
		return 1
	}
	return 0
}
