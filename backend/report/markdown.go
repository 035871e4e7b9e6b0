package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// WriteMarkdown writes the report as the seed's dashboard in markdown: a
// file to attach to an incident or paste into a chat.
func (r Status) WriteMarkdown(w io.Writer) error {
	r = r.printable()
	var b strings.Builder
	demo := ""
	if r.Demo {
		demo = " (DEMO: simulated fleet)"
		if r.DemoReason != nil {
			demo = " (DEMO: simulated fleet; " + *r.DemoReason + ")"
		}
	}
	fmt.Fprintf(&b, "# opsdeck status · %s%s\n\nGenerated %s.\n\n", r.Environment, demo, r.GeneratedAt.Format(time.RFC3339))
	sum := r.Summary
	b.WriteString("## System health overview\n\n| services | request rate | error rate | avg latency | worst p95 | alerts firing |\n| --- | --- | --- | --- | --- | --- |\n")
	fmt.Fprintf(&b, "| %d / %d healthy (%s) | %s | %s | %s | %s | %s |\n\n", sum.ServicesHealthy, sum.ServicesTotal,
		strings.ToUpper(sum.ServicesStatus.String()), val(sum.RPS, "%.1f req/s"), val(sum.ErrorRate, "%.2f%%"),
		val(sum.AvgLatencyMS, "%.0f ms"), worstP95(sum), firing(sum))
	b.WriteString("## Sources\n\n| source | kind | ok | updated | error |\n| --- | --- | --- | --- | --- |\n")
	for _, s := range r.Sources {
		fmt.Fprintf(&b, "| %s | %s | %v | %s | %s |\n", md(s.Name), s.Kind, s.OK, tstamp(s.UpdatedAt), md(deref(s.Error)))
		for _, c := range s.Warnings {
			fmt.Fprintf(&b, "| | ⚠ warning | | %s | %s |\n", c.Feed, md(c.Text))
		}
		for _, c := range s.Infos {
			fmt.Fprintf(&b, "| | ℹ info | | %s | %s |\n", c.Feed, md(c.Text))
		}
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
	b.WriteString("\n## Resource utilization\n\n| service | cpu | memory | memory in use |\n| --- | --- | --- | --- |\n")
	for _, s := range byCPU(r.Services) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(s.Name), val(s.CPUPct, "%.1f%%"), val(s.MemPct, "%.1f%%"), val(scale(s.MemBytes, 1.0/(1<<20)), "%.0f MiB"))
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
	if len(r.Deployments) > 0 {
		b.WriteString("\n## Deployments (blue/green)\n\n| project | colour | version | up | traffic | error % | p95 | live since | verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, d := range r.Deployments {
			verdict := strings.ToUpper(d.Verdict)
			if d.Reason != "" {
				verdict += ": " + md(d.Reason)
			}
			for i, c := range d.Colours {
				project, v := "", ""
				if i == 0 {
					project, v = md(d.Project), verdict
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %d/%d | %s | %s | %s | %s | %s |\n", project, c.Colour, md(deref(c.Version)), c.Up, c.Total,
					val(c.TrafficPct, "%.0f%%"), val(c.ErrorRate, "%.2f"), val(c.P95MS, "%.0f ms"), tstamp(c.LiveSince), v)
			}
		}
	}
	if inc := r.incident; inc != nil {
		fmt.Fprintf(&b, "\n## Open incident: %s\n\nStatus %s since %s.\n\n| time | who | what |\n| --- | --- | --- |\n",
			md(backend.Printable(inc.Title)), inc.Status.Word(), inc.Started.UTC().Format(time.RFC3339))
		for _, e := range inc.Timeline {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", e.At.UTC().Format("15:04:05"), md(backend.Printable(e.Actor)), md(backend.Printable(e.Text)))
		}
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

func worstP95(s Summary) string {
	if !s.WorstP95MS.Valid {
		return "–"
	}
	return fmt.Sprintf("%.0f ms (%s)", s.WorstP95MS.V, md(deref(s.WorstP95Service)))
}

func firing(s Summary) string {
	out := fmt.Sprintf("%d critical, %d warning, %d info", s.AlertsFiring["critical"], s.AlertsFiring["warning"], s.AlertsFiring["info"])
	if s.AlertsSilenced > 0 {
		out += fmt.Sprintf("; %d silenced", s.AlertsSilenced)
	}
	return out
}

// byCPU orders services as the Resources screen's top consumers: by CPU,
// then memory, those without figures last.
func byCPU(in []Service) []Service {
	out := slices.Clone(in)
	key := func(v backend.Value) float64 {
		if !v.Valid {
			return -1
		}
		return v.V
	}
	slices.SortStableFunc(out, func(a, b Service) int {
		if c := cmp.Compare(key(b.CPUPct), key(a.CPUPct)); c != 0 {
			return c
		}
		return cmp.Compare(key(b.MemPct), key(a.MemPct))
	})
	return out
}
