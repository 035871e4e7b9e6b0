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
	"time"

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
		eventually(t, "both export files written", tuitest.ConsoleWait, func() (bool, string) {
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

// The notice after an export names both files it wrote, in full: read
// where it is drawn, on the status bar, at 80 columns too.
func TestExportNoticeNamesBothFiles(t *testing.T) {
	eachTerminal(t, func(t *testing.T, c *tuitest.Console) {
		w, h := c.Size()
		c.Keys("e")
		stem := c.WaitMatch(exportPromptRE)[1]
		c.Keys("enter")
		md, js := stem+".md", stem+".json"
		waitNotice(t, c, h, "exported "+md)
		if bar, _ := statusBar(c.Screen(), h); !strings.Contains(bar, "exported "+md+" and "+js) {
			t.Errorf("at %d columns the export's notice does not name %s; the status bar reads:\n%s", w, js, bar)
		}
	})
}

// eventually waits up to d for cond, looking every 20 ms, and fails the
// test with what it waited for and cond's last word on why not.
func eventually(t *testing.T, what string, d time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s: %s", d, what, why)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition with a deadline
	}
}
