//go:build integration

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/report"
)

// statusJSON runs `opsdeck status --json --config path` with the real
// environment and decodes the report; a non-JSON answer fails the test.
func statusJSON(t *testing.T, path string) (int, report.Status, string) {
	t.Helper()
	code, out, errOut := runCLI(t, os.Getenv, "status", "--json", "--config", path)
	var rep report.Status
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, stderr %q, not JSON: %v", code, errOut, err)
	}
	return code, rep, errOut
}

// auditOf reads the audit log a console wrote under its state dir.
func auditOf(t *testing.T, stateDir string) []audit.Pair {
	t.Helper()
	entries, bad, err := audit.Read(filepath.Join(stateDir, "audit.jsonl"))
	if err != nil || bad != 0 {
		t.Fatalf("audit log: %v (%d bad lines)", err, bad)
	}
	return audit.Pairs(entries)
}
