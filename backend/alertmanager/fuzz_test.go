package alertmanager

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// canned answers every request with one status and body, no network.
type canned struct {
	status int
	body   []byte
}

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Status: http.StatusText(c.status), Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(c.body)), Request: r}, nil
}

// FuzzDecode: whatever Alertmanager (or a proxy in front of it) answers,
// reading alerts and silences never panics; an error is an *Error with a
// short message; alerts have a known severity and are never suppressed
// ones; silences come active, pending, expired, then the rest.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`[{"labels":{"alertname":"DBDown","severity":"critical","service":"chat-db"},"annotations":{"summary":"chat db down"},"startsAt":"2026-11-26T12:00:00Z","status":{"state":"active"}},{"labels":{"alertname":"Muted"},"status":{"state":"suppressed"}}]`))
	f.Add(200, []byte(`[{"id":"5f1c","matchers":[{"name":"alertname","value":"HighLatency","isRegex":false,"isEqual":true},{"name":"job","value":"chat.*","isRegex":true}],"startsAt":"2026-11-26T12:00:00Z","endsAt":"2026-11-26T14:00:00Z","createdBy":"alice","comment":"deploy \u001b]52;c;eA==\u0007","status":{"state":"expired"}},{"id":"2","status":{"state":"active"}}]`))
	f.Add(422, []byte(`{"code":602,"message":"silence invalid"}`))
	f.Add(502, []byte("<html><body>Bad gateway</body></html>"))
	f.Add(200, []byte(`{"not":"a list"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		c, err := New(Config{URL: "http://127.0.0.1:9093", Client: &http.Client{Transport: canned{status, body}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		checkErr := func(err error) {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" || len(e.Msg) > 1000 {
				t.Fatalf("not a proper *Error: %#v", err)
			}
		}
		p, err := c.Fetch(ctx)
		if err != nil {
			checkErr(err)
		} else {
			for _, a := range p.Alerts {
				switch a.Severity {
				case backend.SeverityCritical, backend.SeverityWarning, backend.SeverityInfo:
				default:
					t.Fatalf("severity %q", a.Severity)
				}
				if a.State != backend.AlertFiring || a.Name != a.Labels["alertname"] {
					t.Fatalf("alert %+v", a)
				}
			}
		}
		ss, err := c.Silences(ctx)
		if err != nil {
			checkErr(err)
			return
		}
		rank := map[string]int{"active": 0, "pending": 1, "expired": 2}
		last := -1
		for _, s := range ss {
			r, ok := rank[s.State]
			if !ok {
				r = 3
			}
			if r < last {
				t.Fatalf("silences out of order at %q", s.State)
			}
			last = r
		}
	})
}
