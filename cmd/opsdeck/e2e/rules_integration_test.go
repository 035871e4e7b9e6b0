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

// :rules on the binary, against the test bed's real Prometheus: its two
// rules, both firing, in their group, with the query the rule file holds.
func TestRulesOfTheTestBedPrometheus(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.PromURL)
	testbed.Loopback(t, strings.TrimPrefix(env[testbed.PromURL], "http://"))
	body := fmt.Sprintf(`environment: testbed
projects:
  - name: picture
    services: [{component: backend, name: picture-backend}]
sources:
  prometheus: {url: %q, service_label: service}
`, env[testbed.PromURL])
	cfg := configFile(t, body)
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 160, Height: 40, Args: []string{"--config", cfg}})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Type(":rules")
	c.Keys("enter")
	c.Until("both test bed rules firing", 60*time.Second, func(s string) bool {
		return strings.Contains(s, "ALERT RULES  2 rules · 2 firing")
	})
	for _, want := range [][]string{
		{"testbed", "TestbedAlwaysFiring", "FIRING", "1", "OK", "vector(1)"},
		{"testbed", "FleetHighErrorRate", "FIRING", "1", "OK", "sum"},
	} {
		row := rowOf(c.Screen(), want[1])
		for _, cell := range want {
			if !strings.Contains(row, cell) {
				t.Errorf("row %q lacks %q", row, cell)
			}
		}
	}
}
