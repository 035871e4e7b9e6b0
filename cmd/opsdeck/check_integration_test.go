//go:build integration

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
)

// TestCheckAgainstTestbed runs `opsdeck check` on the real fleet's health
// URLs plus one whose service is down (a loopback port nothing listens
// on): exit 1, the live ones pass, the dead one fails with the reason.
func TestCheckAgainstTestbed(t *testing.T) {
	tb := testbed.Need(t, testbed.FleetServices)
	var services []string
	for _, kv := range strings.Split(tb[testbed.FleetServices], ",") {
		name, addr, _ := strings.Cut(kv, "=")
		testbed.Loopback(t, addr)
		services = append(services, fmt.Sprintf("      - {component: backend, name: %s, health_url: \"http://%s/api/health\"}", name, addr))
	}
	dead := testbed.FreeAddr(t)
	services = append(services, fmt.Sprintf("      - {component: web, name: ghost-web, health_url: \"http://%s/api/health\"}", dead))
	cfg := "environment: check\nprojects:\n  - name: fleet\n    services:\n" + strings.Join(services, "\n") +
		"\nsources:\n  prometheus: {url: \"http://127.0.0.1:9\"}\n"
	code, out, errOut := runCLI(t, os.Getenv, "check", "--json", "--timeout", "3s", "--config", writeConfig(t, cfg))
	if code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %q)\n%s", code, errOut, out)
	}
	var results []struct {
		Name  string  `json:"name"`
		OK    bool    `json:"ok"`
		Code  *int    `json:"code"`
		Error *string `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != len(services) {
		t.Fatalf("%d results for %d services", len(results), len(services))
	}
	for _, r := range results {
		switch {
		case r.Name == "ghost-web":
			if r.OK || r.Error == nil || *r.Error != "connection refused" {
				t.Errorf("ghost-web: %+v", r)
			}
		case !r.OK || r.Code == nil || *r.Code != 200:
			t.Errorf("%s should pass: %+v", r.Name, r)
		}
	}
}
