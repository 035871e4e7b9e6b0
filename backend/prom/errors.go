package prom

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/manacore/opsdeck/backend/httpclient"
	"github.com/manacore/opsdeck/backend/neterr"
)

// FigureError is one failed request of a Fetch: Figure is the query's
// config name (e.g. "p95_seconds", see Names) or "alerts".
type FigureError struct {
	Figure string
	Err    error
}

// Error is what Fetch and P95Range return when requests fail. Its text is
// written for the person on call: one line, the server, the figures and
// Prometheus' own reason, with one cause said once however many figures it
// hit ("prometheus 127.0.0.1:9090: connection refused").
type Error struct {
	Source string // "prometheus 127.0.0.1:9090"
	// Auth is what requests authenticated with (Config.Auth), said with a
	// 401 or 403: "401 Unauthorized (basic auth as opsdeck)".
	Auth   string
	Failed []FigureError
	All    bool // no request succeeded
}

func (e *Error) Error() string {
	type group struct {
		why     string
		figures []string
	}
	var groups []*group
	byWhy := map[string]*group{}
	for _, f := range e.Failed {
		why := describe(f.Err, e.Auth)
		g := byWhy[why]
		if g == nil {
			g = &group{why: why}
			byWhy[why] = g
			groups = append(groups, g)
		}
		g.figures = append(g.figures, f.Figure)
	}
	if e.All && len(groups) == 1 && len(e.Failed) > 1 {
		return e.Source + ": " + groups[0].why
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = strings.Join(g.figures, ", ") + ": " + g.why
	}
	return e.Source + ": " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is see the causes (context.DeadlineExceeded, …).
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f.Err
	}
	return out
}

// Figures lists the names of the failed figures.
func (e *Error) Figures() []string {
	out := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		out[i] = f.Figure
	}
	return out
}

// describe says why one request failed, without the request URL and
// transport noise the Go error carries: a refusal (401, 403) with what
// the request authenticated with (auth), a TLS failure with the
// tls_config key to look at.
func describe(err error, auth string) string {
	var apiErr *v1.Error
	if errors.As(err, &apiErr) {
		if why, ok := httpclient.Denied(statusOf(apiErr), apiErr.Detail, auth); ok {
			return why
		}
		return describeAPI(apiErr)
	}
	return httpclient.Describe(err)
}

// statusOf is the HTTP status of an answer that v1 (and queryClient,
// which words it the same, see errorTypeAndMsg) turned into an error
// without a JSON envelope: v1.Error keeps it in its message alone,
// "client error: 401". 0 when there is none.
func statusOf(e *v1.Error) int {
	var code int
	if e.Type != v1.ErrClient {
		return 0
	}
	if _, err := fmt.Sscanf(e.Msg, "client error: %d", &code); err != nil {
		return 0
	}
	return code
}

// describeAPI renders a client_golang API error. For 400/422 the client
// decodes Prometheus' envelope itself; for other statuses (503 timeout,
// 500 internal, a proxy's 502) it keeps the raw body in Detail, which is
// decoded here when it is an envelope and shortened when it is not.
func describeAPI(e *v1.Error) string {
	if e.Detail == "" {
		return e.Error()
	}
	var env struct {
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
	}
	if json.Unmarshal([]byte(e.Detail), &env) == nil && env.Error != "" {
		return env.ErrorType + ": " + env.Error
	}
	return e.Msg + ": " + neterr.FirstLine(e.Detail, 120)
}
