package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Checks is the document of `opsdeck check --json`: every configured
// health check, run once.
type Checks struct {
	SchemaVersion int           `json:"schema_version"`
	Environment   string        `json:"environment"`
	Demo          bool          `json:"demo"` // the simulator answered, nothing left the machine
	Passed        int           `json:"passed"`
	Total         int           `json:"total"`
	Results       []CheckResult `json:"results"`
}

// CheckResult is one health check.
type CheckResult struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	OK        bool      `json:"ok"`
	Code      *int      `json:"code" jsonschema:"nullable"`
	LatencyMS *int64    `json:"latency_ms" jsonschema:"nullable"`
	Error     *string   `json:"error" jsonschema:"nullable"`
	CheckedAt time.Time `json:"checked_at"`
}

// FromChecks builds the document from the checker's results.
func FromChecks(environment string, demo bool, results []backend.CheckResult) Checks {
	c := Checks{SchemaVersion: SchemaVersion, Environment: environment, Demo: demo, Total: len(results), Results: []CheckResult{}}
	for _, r := range results {
		res := CheckResult{Name: r.Target.Name, URL: r.Target.URL, OK: r.OK, Error: strPtr(r.Err), CheckedAt: r.At.UTC()}
		if r.OK {
			c.Passed++
		}
		if r.Code != 0 {
			res.Code = &r.Code
		}
		if r.Latency > 0 {
			ms := r.Latency.Milliseconds()
			res.LatencyMS = &ms
		}
		c.Results = append(c.Results, res)
	}
	return c
}

// ExitCode is what `opsdeck check` exits with: a check that got no answer
// at all (refused, timed out, no route, a name that does not resolve)
// wins, as an unreachable source does for status; then a check whose
// answer was not a 2xx.
func (c Checks) ExitCode() int {
	code := ExitHealthy
	for _, r := range c.Results {
		switch {
		case r.OK:
		case r.Code == nil:
			return ExitUnreachable
		default:
			code = ExitDegraded
		}
	}
	return code
}

// WriteTable writes the results for people, one check a line.
func (c Checks) WriteTable(w io.Writer) error {
	p := backend.Printable
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tURL\tCODE\tLATENCY\tRESULT")
	for _, r := range c.Results {
		code, latency, result := "–", "–", "PASS"
		if r.Code != nil {
			code = fmt.Sprint(*r.Code)
		}
		if r.LatencyMS != nil {
			latency = fmt.Sprintf("%dms", *r.LatencyMS)
		}
		if !r.OK {
			result = "FAIL"
			if r.Error != nil {
				result += ": " + p(*r.Error)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p(r.Name), p(r.URL), code, latency, result)
	}
	fmt.Fprintf(tw, "\n%d/%d passed\n", c.Passed, c.Total)
	return tw.Flush()
}
