//go:build unix

package e2e

import (
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// Thresholds that can say DOWN: a pool at 10/10 is down, not a warning;
// a dependency that answers but fails one probe in sixteen is not UP; the
// levels come from the config's {warn, down} form.
func TestThresholdsSayDown(t *testing.T) {
	o := demoConfig(t,
		"# thresholds: omitted, the seed's targets apply (p95 500ms, errors 1%,\n# memory/CPU/pool 80%).",
		"thresholds:\n  db_pool_pct: {warn: 80, down: 100}\n  dependency_success_pct: {warn: 99, down: 90}",
		"picture:  {connections: 9,", "picture:  {connections: 10,",
		"Redis Cache:        {latency_ms: 2, success_pct: 100}", "Redis Cache:        {latency_ms: 2, success_pct: 93.7}",
	)
	eachTerminalWith(t, o, func(t *testing.T, c *tuitest.Console) {
		c.Keys("6")
		waitHeading(t, c, "DATABASE PERFORMANCE")
		waitRow(t, c, "picture", "DOWN", "10/10")
		// chat's pool moves around 8/10 (7 or 8 seen), never past the
		// warn level of 80%: it stays UP.
		waitRow(t, c, "chat", "UP", "/10")
		c.Keys("7")
		waitHeading(t, c, "EXTERNAL DEPENDENCIES")
		waitRow(t, c, "Redis Cache", "WARN") // its rate moves around 93.7%
		// Its rate moves around 99.9% (99.8% seen): above the warn level
		// of 99, it is UP.
		waitRow(t, c, "Azure OpenAI", "UP", "99.")
	})
}
