package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/report"
)

// --json, alone or with --format json (which says the same), prints the
// JSON document.
func TestStatusJSONOnDemoFleet(t *testing.T) {
	for _, args := range [][]string{{"--json"}, {"--json", "--format", "json"}} {
		args = append([]string{"status", "--clock", "2026-11-26T12:34:56Z"}, args...)
		code, out, errOut := runCLI(t, env(map[string]string{"HOME": t.TempDir()}), args...)
		// The demo fleet has a firing warning alert (picture-backend memory).
		if code != report.ExitDegraded {
			t.Fatalf("%v: exit %d, want 1 (stderr %q)", args, code, errOut)
		}
		var rep report.Status
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: not JSON: %v\n%s", args, err, out)
		}
		if !rep.Demo || rep.Environment != "production" || len(rep.Services) != 15 || len(rep.Alerts) != 2 {
			t.Fatalf("report: demo=%v env=%q services=%d alerts=%d", rep.Demo, rep.Environment, len(rep.Services), len(rep.Alerts))
		}
		if rep.GeneratedAt.Format("15:04:05") != "12:34:56" {
			t.Fatalf("generated_at %v ignores --clock", rep.GeneratedAt)
		}
	}
}

func TestStatusTableAndExit2OnBadConfig(t *testing.T) {
	code, out, _ := runCLI(t, env(map[string]string{"HOME": t.TempDir()}), "status", "--clock", "2026-11-26T12:34:56Z")
	if code != report.ExitDegraded || !strings.Contains(out, "High Memory Usage (85% > 80%)") {
		t.Fatalf("exit %d, table:\n%s", code, out)
	}
	path := writeConfig(t, "environment: [\n")
	if code, _, errOut := runCLI(t, env(nil), "status", "--config", path); code != exitUsage || !strings.HasPrefix(errOut, path+":1:") {
		t.Fatalf("bad config: exit %d, stderr %q", code, errOut)
	}
}

func TestStatusMarkdown(t *testing.T) {
	code, out, _ := runCLI(t, env(map[string]string{"HOME": t.TempDir()}), "status", "--format", "markdown", "--clock", "2026-11-26T12:34:56Z")
	if code != report.ExitDegraded || !strings.HasPrefix(out, "# opsdeck status · production (DEMO") || !strings.Contains(out, "## Active alerts") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, env(nil), "status", "--format", "yaml"); code != exitUsage || !strings.Contains(errOut, "use table, json or markdown") {
		t.Fatalf("bad format: exit %d %q", code, errOut)
	}
}
