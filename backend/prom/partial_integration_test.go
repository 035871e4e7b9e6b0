//go:build integration

package prom

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

// The test bed's third Prometheus reads from a remote store that is not
// there: every answer has its local figures and Prometheus' warning
// "remote_read: … connection refused". Both reach opsdeck: the figures,
// and the warning on the feeds whose figures it qualifies.
func TestIntegrationWarningsOfAPartialAnswer(t *testing.T) {
	env := testbed.Need(t, testbed.PromPartialURL)
	u, err := url.Parse(env[testbed.PromPartialURL])
	if err != nil {
		t.Fatal(err)
	}
	testbed.Loopback(t, u.Host)
	s, err := New(Config{URL: env[testbed.PromPartialURL], ServiceLabel: "service", Services: tbServices, Databases: tbDatabases})
	if err != nil {
		t.Fatal(err)
	}
	var part backend.Partial
	// Twice over: the first Fetch asks each figure alone, the next ones
	// combine them; the warning must come through both ways.
	for i := range 2 {
		testbed.Eventually(t, 60*time.Second, "the fleet's figures from the partial Prometheus", func() (bool, string) {
			part, err = fetch(s)
			if err != nil {
				return false, err.Error()
			}
			// Its TSDB may be minutes old: the rates are still filling
			// their window, so only that they arrive is asked here.
			for _, svc := range tbServices {
				if !part.Metrics[svc].RPS.Valid {
					return false, svc + " has no request rate"
				}
			}
			return true, ""
		})
		var metrics, databases bool
		for _, c := range part.Caveats {
			if c.Info || !strings.HasPrefix(c.Text, "remote_read: ") || !strings.Contains(c.Text, "connection refused") {
				t.Errorf("fetch %d: caveat %+v, want only the remote_read warning", i, c)
			}
			metrics = metrics || c.Feed == backend.FeedMetrics
			databases = databases || c.Feed == backend.FeedDatabases
		}
		if !metrics || !databases {
			t.Fatalf("fetch %d: caveats %+v: want the warning on the metrics and the databases", i, part.Caveats)
		}
	}
	// The 24 h chart's history says so too.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	end := time.Now()
	_, cv, err := s.P95Range(ctx, end.Add(-time.Hour), end, time.Minute)
	if err != nil || len(cv) != 1 || !strings.HasPrefix(cv[0].Text, "remote_read: ") {
		t.Fatalf("P95Range: caveats %+v, err %v: want the remote_read warning", cv, err)
	}
}
