//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/tui/tuitest"
)

// auditLine is an entry of the audit log as its reader sees it: JSON, one
// a line, a "before" when an action starts and an "after" with its result,
// paired by id.
type auditLine struct {
	Phase  string            `json:"phase"`
	ID     string            `json:"id"`
	User   string            `json:"user"`
	Kind   string            `json:"kind"`
	Target string            `json:"target"`
	Params map[string]string `json:"params"`
	Steps  []string          `json:"steps"`
	Result string            `json:"result"`
	Error  string            `json:"error"`
}

// auditPath is where a console on the demo keeps its audit log.
func auditPath(c *tuitest.Console) string {
	return filepath.Join(c.StateHome(), "opsdeck", "audit.jsonl")
}

// readAudit is every entry of the console's audit log; none if there is
// no log yet.
func readAudit(c *tuitest.Console) ([]auditLine, error) {
	data, err := os.ReadFile(auditPath(c))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []auditLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var l auditLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("audit line %q: %w", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// waitAuditPair waits for the before and after entries of kind on target
// and returns them.
func waitAuditPair(t *testing.T, c *tuitest.Console, kind, target string) (before, after auditLine) {
	t.Helper()
	testbed.Eventually(t, tuitest.ConsoleWait, fmt.Sprintf("the audit log's before/after of %s %s", kind, target), func() (bool, string) {
		lines, err := readAudit(c)
		if err != nil {
			return false, err.Error()
		}
		var ok bool
		before, after, ok = auditPair(lines, kind, target)
		return ok, fmt.Sprintf("%d entries: %+v", len(lines), lines)
	})
	return before, after
}

// auditPair finds the first before of kind on target and the after that
// shares its id.
func auditPair(lines []auditLine, kind, target string) (before, after auditLine, ok bool) {
	for _, b := range lines {
		if b.Phase != "before" || b.Kind != kind || b.Target != target {
			continue
		}
		for _, a := range lines {
			if a.Phase == "after" && a.ID == b.ID {
				return b, a, true
			}
		}
	}
	return auditLine{}, auditLine{}, false
}

// noAudit fails the test if anything was audited: nothing was done.
func noAudit(t *testing.T, c *tuitest.Console) {
	t.Helper()
	lines, err := readAudit(c)
	if err != nil || len(lines) > 0 {
		t.Errorf("nothing was confirmed, but the audit log has %+v (%v)", lines, err)
	}
}
