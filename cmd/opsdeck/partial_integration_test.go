//go:build integration

package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
)

// status on the test bed's Prometheus whose answers come with a
// remote_read warning: the figures are there, and so is the warning, in
// the JSON (with the feed it qualifies) and in the table.
func TestStatusShowsPrometheusWarnings(t *testing.T) {
	tb := testbed.Need(t, testbed.PromPartialURL)
	testbed.Loopback(t, strings.TrimPrefix(tb[testbed.PromPartialURL], "http://"))
	path := writeConfig(t, fmt.Sprintf(`environment: testbed
projects:
  - name: chat
    services: [{component: backend, name: chat-backend}]
sources:
  prometheus:
    url: %q
    service_label: service
`, tb[testbed.PromPartialURL]))

	_, rep, errOut := statusJSON(t, path)
	if len(rep.Sources) != 1 {
		t.Fatalf("sources %+v (stderr %q)", rep.Sources, errOut)
	}
	src := rep.Sources[0]
	var onMetrics bool
	for _, w := range src.Warnings {
		if !strings.HasPrefix(w.Text, "remote_read: ") {
			t.Errorf("warning %+v, want the remote_read one", w)
		}
		onMetrics = onMetrics || w.Feed == "metrics"
	}
	if !onMetrics {
		t.Fatalf("source %+v: want the remote_read warning on the metrics", src)
	}
	if len(rep.Services) != 1 || !rep.Services[0].RPS.Valid {
		t.Errorf("the figures of a partial answer are still shown: %+v", rep.Services)
	}

	_, out, _ := runCLI(t, os.Getenv, "status", "--config", path)
	if !strings.Contains(out, "⚠ warning") || !strings.Contains(out, "remote_read: ") {
		t.Errorf("the table does not show the warning:\n%s", out)
	}
}
