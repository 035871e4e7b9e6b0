//go:build unix && integration

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// The console on a Prometheus whose answers come with a warning (a
// remote_read store that is down): the panels its figures fill say so
// where their source's name was, marked ⚠, at 80 columns too, while the
// figures are shown.
func TestConsoleShowsPrometheusWarnings(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.PromPartialURL)
	testbed.Loopback(t, strings.TrimPrefix(env[testbed.PromPartialURL], "http://"))
	body := fmt.Sprintf(`environment: testbed
projects:
  - name: chat
    services: [{component: backend, name: chat-backend}]
sources:
  prometheus:
    url: %q
    service_label: service
`, env[testbed.PromPartialURL])
	cfg := configFile(t, body)
	for _, size := range [][2]int{{80, 24}, {160, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			con := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: size[0], Height: size[1], Args: []string{"--config", cfg}})
			con.Keys("4")
			waitHeading(t, con, "RESPONSE TIME (p95)")
			want := "⚠ prometheus: remote_read:"
			con.Until("the latency panel's warning", 30*time.Second, func(s string) bool {
				head := heading(s)
				return strings.Contains(head, want) && strings.Contains(tableRow(strings.ReplaceAll(s, "\n  ", "\n"), "chat-backend"), "ms")
			})
			// The 24 h chart of the service says its history may be partial.
			con.Keys("enter")
			con.Until("the chart's warning", 30*time.Second, func(s string) bool {
				return strings.Contains(s, "⚠ the history may be partial: remote_read:") && strings.Contains(s, "-24h")
			})
		})
	}
}
