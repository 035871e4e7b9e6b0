package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteMarkdown writes the report as the seed's dashboard in markdown: a
// file to attach to an incident or paste into a chat.
func (r Status) WriteMarkdown(w io.Writer) error {
	r = r.printable()
	var b strings.Builder
	demo := ""
	if r.Demo {
		demo = " (DEMO: simulated fleet)"
	}
	fmt.Fprintf(&b, "# opsdeck status · %s%s\n\nGenerated %s.\n\n", r.Environment, demo, r.GeneratedAt.Format(time.RFC3339))
	b.WriteString("## Sources\n\n| source | kind | ok | updated | error |\n| --- | --- | --- | --- | --- |\n")
	for _, s := range r.Sources {
		fmt.Fprintf(&b, "| %s | %s | %v | %s | %s |\n", md(s.Name), s.Kind, s.OK, tstamp(s.UpdatedAt), md(deref(s.Error)))
	}
	b.WriteString("\n## Service status\n\n| service | project | host | status | state | health | version | restarts | rps | error % | p95 | findings |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, s := range r.Services {
		restarts := "–"
		if s.Restarts != nil {
			restarts = fmt.Sprint(*s.Restarts)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			md(s.Name), md(s.Project), md(deref(s.Host)), strings.ToUpper(s.Status.String()), deref(s.State), deref(s.Health),
			md(deref(s.Version)), restarts, val(s.RPS, "%.1f"), val(s.ErrorRate, "%.2f"), val(s.P95MS, "%.0f ms"),
			md(strings.Join(s.Findings, "; ")))
	}
	b.WriteString("\n## Active alerts\n\n")
	if len(r.Alerts) == 0 {
		b.WriteString("No active alerts.\n")
	} else {
		b.WriteString("| severity | alert | service | state | since | summary |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, a := range r.Alerts {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", a.Severity, md(a.Name), md(a.Service), a.State, a.Since.Format(time.RFC3339), md(a.Summary))
		}
	}
	b.WriteString("\n## Database performance\n\n| database | status | connections | query time (avg) | slow queries | cache hit |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, d := range r.Databases {
		fmt.Fprintf(&b, "| %s | %s | %s / %s | %s | %s | %s |\n", md(d.Name), strings.ToUpper(d.Status.String()),
			val(d.Connections, "%.0f"), val(d.MaxConnections, "%.0f"), val(d.AvgQueryMS, "%.0f ms"),
			val(d.SlowQueries, "%.0f"), val(scale(d.CacheHitRatio, 100), "%.1f%%"))
	}
	b.WriteString("\n## External dependencies\n\n| service | up | latency | success rate | last check |\n| --- | --- | --- | --- | --- |\n")
	for _, d := range r.Dependencies {
		fmt.Fprintf(&b, "| %s | %v | %s | %s | %s |\n", md(d.Name), d.Up, val(d.LatencyMS, "%.0f ms"),
			val(scale(d.SuccessRatio, 100), "%.1f%%"), tstamp(d.CheckedAt))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// md keeps outside text (alert summaries, error messages) from breaking
// the table: pipes are escaped, line breaks flattened.
func md(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
	return s
}
