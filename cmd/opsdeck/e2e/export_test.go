//go:build unix

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// exportPromptRE is the export prompt with its proposed file name.
var exportPromptRE = regexp.MustCompile(`export to: (opsdeck-production-\d{8}-\d{6})\.md`)

// e proposes a file name; enter writes the snapshot there as markdown
// and beside it as JSON, in the console's working directory.
func TestExportWritesMarkdownAndJSON(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("e")
		stem := c.WaitMatch(exportPromptRE)[1]
		c.Keys("enter")
		md, js := stem+".md", stem+".json"
		var mdText, jsText []byte
		testbed.Eventually(t, tuitest.ConsoleWait, "both export files written", func() (bool, string) {
			var err1, err2 error
			mdText, err1 = os.ReadFile(filepath.Join(c.Dir(), md))
			jsText, err2 = os.ReadFile(filepath.Join(c.Dir(), js))
			return err1 == nil && err2 == nil && len(mdText) > 0 && len(jsText) > 0, fmt.Sprint(err1, err2)
		})
		var snap struct {
			Environment string           `json:"environment"`
			Services    []map[string]any `json:"services"`
		}
		if err := json.Unmarshal(jsText, &snap); err != nil || snap.Environment != "production" || len(snap.Services) != 15 {
			t.Errorf("%s: %v, environment %q, %d services; want production and the 15 of the demo:\n%s", js, err, snap.Environment, len(snap.Services), jsText)
		}
		if s := string(mdText); !strings.HasPrefix(s, "# opsdeck status · production") || !strings.Contains(s, "High Memory: 85%") {
			t.Errorf("%s is not the status report with picture-backend's warning:\n%s", md, s)
		}
	})
}

// The notice after an export names both files it wrote by their absolute
// paths, in full: read where it is drawn, the status bar and, when it is
// longer than the terminal is wide (80 columns), the lines it wraps up onto.
func TestExportNoticeNamesBothFiles(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		w, h := c.Size()
		c.Keys("e")
		stem := c.WaitMatch(exportPromptRE)[1]
		c.Keys("enter")
		md, js := filepath.Join(c.Dir(), stem+".md"), filepath.Join(c.Dir(), stem+".json")
		want := "exported " + md + " and " + js
		c.Until("the export's notice naming both files", tuitest.ConsoleWait, func(s string) bool {
			return strings.Contains(bottomText(s, h, 4), strings.ReplaceAll(want, " ", ""))
		})
		if bar, _ := statusBar(c.Screen(), h); len(want) > w && strings.Contains(bar, "q quit") {
			t.Errorf("a notice wider than %d columns kept the key hint beside it:\n%s", w, bar)
		}
	})
}

// bottomText is the last n rows of the screen run together without
// spaces: a notice wrapped at the terminal's width reads as one string.
func bottomText(screen string, h, n int) string {
	var b strings.Builder
	for i := max(h-n, 0); i < h; i++ {
		b.WriteString(strings.ReplaceAll(row(screen, i), " ", ""))
	}
	return b.String()
}

// An export never replaces a file without asking: with the proposed files
// already there, enter asks; a key other than y keeps them untouched, y
// replaces them.
func TestExportAsksBeforeOverwriting(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		c.Keys("e")
		stem := c.WaitMatch(exportPromptRE)[1]
		md := filepath.Join(c.Dir(), stem+".md")
		if err := os.WriteFile(md, []byte("an incident report\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c.Keys("enter")
		c.WaitFor("replace " + stem + ".md and its .json?")
		c.Keys("n")
		c.WaitFor("export: nothing written")
		if got, _ := os.ReadFile(md); string(got) != "an incident report\n" {
			t.Fatalf("%s changed after n: %q", md, got)
		}
		if _, err := os.Stat(filepath.Join(c.Dir(), stem+".json")); err == nil {
			t.Fatal("the .json was written after n")
		}
		c.Keys("e")
		c.WaitMatch(exportPromptRE)
		c.Keys("enter")
		c.WaitFor("replace " + stem + ".md and its .json?")
		c.Keys("y")
		testbed.Eventually(t, tuitest.ConsoleWait, "the report replaced after y", func() (bool, string) {
			got, err := os.ReadFile(md)
			return err == nil && strings.HasPrefix(string(got), "# opsdeck status · production"), fmt.Sprint(err)
		})
	})
}

// The exported report holds what the dashboard shows, the incident desk
// included: the tiles, the resources, the blue/green deployments as the
// deployments screen evaluates them, and the open incident's timeline.
func TestExportHoldsTheWholeDashboard(t *testing.T) {
	t.Parallel()
	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 120, Height: 40})
	c.WaitFor("SYSTEM HEALTH OVERVIEW")
	openIncident(t, c, 0, "Service crash")
	c.Keys("e")
	stem := c.WaitMatch(exportPromptRE)[1]
	c.Keys("enter")
	var md []byte
	testbed.Eventually(t, tuitest.ConsoleWait, "the markdown report written", func() (bool, string) {
		var err error
		md, err = os.ReadFile(filepath.Join(c.Dir(), stem+".md"))
		return err == nil && len(md) > 0, fmt.Sprint(err)
	})
	s := string(md)
	for _, want := range []string{
		"## System health overview", "| 14 / 15 healthy (UP) |",
		"## Resource utilization",
		"## Deployments (blue/green)", "| chat | blue |", "|  | green |", "HOLD: green",
		"## Open incident: Service crash", "Status INVESTIGATING since", "| root | Incident opened: Incident under investigation |",
		"What failed?: Service crash",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the report lacks %q:\n%s", want, s)
		}
	}
}
