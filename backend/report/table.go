package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// WriteTable writes the report for people: sources, services, alerts,
// databases and dependencies as aligned plain-text tables (no colour: the
// output is for pipes, mail and cron).
func (r Status) WriteTable(w io.Writer) error {
	r = r.printable()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	demo := ""
	if r.Demo {
		demo = " (DEMO: simulated fleet)"
		if r.DemoReason != nil {
			demo = " (DEMO: simulated fleet; " + *r.DemoReason + ")"
		}
	}
	fmt.Fprintf(tw, "opsdeck status · %s%s · %s\n", r.Environment, demo, r.GeneratedAt.Format(time.RFC3339))
	sum := r.Summary
	fmt.Fprintf(tw, "%d / %d services healthy (%s) · %s · errors %s · avg latency %s · worst p95 %s · alerts firing: %s\n\n",
		sum.ServicesHealthy, sum.ServicesTotal, strings.ToUpper(sum.ServicesStatus.String()), val(sum.RPS, "%.1f req/s"),
		val(sum.ErrorRate, "%.2f%%"), val(sum.AvgLatencyMS, "%.0fms"), worstP95(sum), firing(sum))

	fmt.Fprintln(tw, "SOURCE\tKIND\tOK\tUPDATED\tERROR")
	for _, s := range r.Sources {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", s.Name, s.Kind, s.OK, tstamp(s.UpdatedAt), deref(s.Error))
		for _, c := range s.Warnings {
			fmt.Fprintf(tw, "\t⚠ warning\t\t%s\t%s\n", c.Feed, c.Text)
		}
		for _, c := range s.Infos {
			fmt.Fprintf(tw, "\tℹ info\t\t%s\t%s\n", c.Feed, c.Text)
		}
	}
	fmt.Fprintln(tw, "\nSERVICE\tPROJECT\tHOST\tSTATUS\tSTATE\tHEALTH\tVERSION\tRESTARTS\tRPS\tERR%\tP95\tFINDINGS")
	for _, s := range r.Services {
		restarts := "–"
		if s.Restarts != nil {
			restarts = fmt.Sprint(*s.Restarts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			s.Name, s.Project, deref(s.Host), strings.ToUpper(s.Status.String()), deref(s.State), deref(s.Health),
			deref(s.Version), restarts, val(s.RPS, "%.1f"), val(s.ErrorRate, "%.2f"), val(s.P95MS, "%.0fms"),
			strings.Join(s.Findings, "; "))
	}
	fmt.Fprintln(tw, "\nALERT\tSEVERITY\tSERVICE\tSTATE\tSINCE\tSUMMARY")
	if len(r.Alerts) == 0 {
		fmt.Fprintln(tw, "(none)")
	}
	for _, a := range r.Alerts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, a.Severity, a.Service, a.State, a.Since.Format(time.RFC3339), a.Summary)
	}
	fmt.Fprintln(tw, "\nDATABASE\tSTATUS\tCONNECTIONS\tAVG QUERY\tSLOW\tCACHE HIT")
	for _, d := range r.Databases {
		fmt.Fprintf(tw, "%s\t%s\t%s/%s\t%s\t%s\t%s\n", d.Name, strings.ToUpper(d.Status.String()),
			val(d.Connections, "%.0f"), val(d.MaxConnections, "%.0f"), val(d.AvgQueryMS, "%.0fms"),
			val(d.SlowQueries, "%.0f"), val(scale(d.CacheHitRatio, 100), "%.1f%%"))
	}
	fmt.Fprintln(tw, "\nDEPENDENCY\tUP\tLATENCY\tSUCCESS\tCHECKED")
	for _, d := range r.Dependencies {
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\t%s\n", d.Name, d.Up, val(d.LatencyMS, "%.0fms"),
			val(scale(d.SuccessRatio, 100), "%.1f%%"), tstamp(d.CheckedAt))
	}
	return tw.Flush()
}

func deref(s *string) string {
	if s == nil {
		return "–"
	}
	return *s
}

func tstamp(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.Format(time.RFC3339)
}

func val(v backend.Value, format string) string {
	if !v.Valid {
		return "–"
	}
	return fmt.Sprintf(format, v.V)
}

func scale(v backend.Value, f float64) backend.Value {
	if !v.Valid {
		return v
	}
	return backend.Some(v.V * f)
}
