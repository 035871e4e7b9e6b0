package main

import (
	"strings"
	"testing"
)

func TestCheckOnDemoFleetIsSimulated(t *testing.T) {
	code, out, errOut := runCLI(t, env(map[string]string{"HOME": t.TempDir()}), "check", "--clock", "2026-11-26T12:34:56Z")
	if code != 0 || !strings.Contains(out, "5/5 passed") {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
}

func TestCheckWithoutTargetsExits2(t *testing.T) {
	path := writeConfig(t, goodConfig) // no health_url anywhere
	code, _, errOut := runCLI(t, env(nil), "check", "--config", path)
	if code != exitUsage || !strings.Contains(errOut, "no health_url") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
