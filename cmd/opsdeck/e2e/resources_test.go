//go:build unix

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// topRE reads a gauge line's first top consumer: "top: name 6.0 MB/s".
var topRE = regexp.MustCompile(`top: (\S+) ([0-9.]+(?: MB/s| kB/s| MiB| GiB|%))`)

// The resources tab draws the seed's RESOURCE UTILIZATION: the fleet's
// CPU, memory and disk I/O, each naming its top consumers, and those
// agree with the table under them: the top consumer's own row shows the
// figure the gauge names, and the table (sorted by CPU) starts with the
// CPU gauge's top consumer.
func TestResourcesGaugesAgreeWithTheTable(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 200, Height: 40, Args: []string{"--clock", "2026-12-02T12:00:00Z"}})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	c.Keys("8")
	waitHeading(t, c, "RESOURCE UTILIZATION (top consumers)")
	c.WaitFor("DISK I/O  ")
	s := c.Screen()
	lines := strings.Split(s, "\n")
	gauge := func(label string) (name, figure string) {
		for _, l := range lines {
			if strings.HasPrefix(l, label) {
				m := topRE.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("%s gauge without a top consumer: %q", label, l)
				}
				return m[1], m[2]
			}
		}
		t.Fatalf("no %s gauge:\n%s", label, s)
		return "", ""
	}
	if !regexp.MustCompile(`(?m)^MEMORY    \[[█░]+\] +\d+% [0-9.]+ GiB of [0-9.]+ GiB`).MatchString(s) {
		t.Errorf("the memory gauge is not used-of-limit:\n%s", s)
	}
	cpuTop, cpuFig := gauge("CPU ")
	var first string
	for i, l := range lines {
		if strings.HasPrefix(l, "SERVICE ") && i+1 < len(lines) {
			first = strings.Fields(lines[i+1])[0]
		}
	}
	if first != cpuTop || !strings.Contains(tableRow(s, cpuTop), cpuFig) {
		t.Errorf("CPU gauge's top consumer %s %s, the table's first row is %s: %q", cpuTop, cpuFig, first, tableRow(s, cpuTop))
	}
	for _, label := range []string{"MEMORY ", "DISK I/O "} {
		name, fig := gauge(label)
		if row := tableRow(s, name); !strings.HasSuffix(strings.TrimSpace(row), fig) && !strings.Contains(row, " "+fig+" ") {
			t.Errorf("%s gauge's top consumer %s %s, its row says %q", strings.TrimSpace(label), name, fig, row)
		}
	}
}
