//go:build integration

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/backend/testbed"
)

// TestCheckAgainstTestbed runs `opsdeck check` on the real fleet's health
// URLs plus one whose service is down (a loopback port nothing listens
// on): exit 3 (a check got no answer), the live ones pass, the dead one
// fails with the reason and no HTTP code. With a service answering 503
// instead, the exit is 1.
func TestCheckAgainstTestbed(t *testing.T) {
	tb := testbed.Need(t, testbed.FleetServices)
	var services []string
	for _, kv := range strings.Split(tb[testbed.FleetServices], ",") {
		name, addr, _ := strings.Cut(kv, "=")
		testbed.Loopback(t, addr)
		services = append(services, fmt.Sprintf("      - {component: backend, name: %s, health_url: \"http://%s/api/health\"}", name, addr))
	}
	config := func(extra string) string {
		return writeConfig(t, "environment: check\nprojects:\n  - name: fleet\n    services:\n"+strings.Join(services, "\n")+"\n"+extra+
			"\nsources:\n  prometheus: {url: \"http://127.0.0.1:9\"}\n")
	}
	dead := testbed.FreeAddr(t)
	code, out, errOut := runCLI(t, os.Getenv, "check", "--json", "--timeout", "3s",
		"--config", config(fmt.Sprintf("      - {component: web, name: ghost-web, health_url: \"http://%s/api/health\"}", dead)))
	if code != 3 {
		t.Fatalf("exit %d, want 3 (stderr %q)\n%s", code, errOut, out)
	}
	var doc report.Checks
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != report.SchemaVersion || doc.Total != len(services)+1 || doc.Passed != len(services) || doc.Demo {
		t.Fatalf("document: version %d, %d/%d passed, demo %v", doc.SchemaVersion, doc.Passed, doc.Total, doc.Demo)
	}
	for _, r := range doc.Results {
		switch {
		case r.Name == "ghost-web":
			if r.OK || r.Code != nil || r.Error == nil || *r.Error != "connection refused" {
				t.Errorf("ghost-web: %+v", r)
			}
		case !r.OK || r.Code == nil || *r.Code != 200:
			t.Errorf("%s should pass: %+v", r.Name, r)
		}
	}

	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	defer sick.Close()
	code, out, errOut = runCLI(t, os.Getenv, "check", "--timeout", "3s",
		"--config", config(fmt.Sprintf("      - {component: web, name: sick-web, health_url: \"%s/api/health\"}", sick.URL)))
	if code != 1 || !strings.Contains(out, "503") || !strings.Contains(out, fmt.Sprintf("%d/%d passed", len(services), len(services)+1)) {
		t.Fatalf("exit %d, want 1 (stderr %q)\n%s", code, errOut, out)
	}
}
