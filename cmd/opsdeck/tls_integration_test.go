//go:build integration

package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/backend/testbed"
)

// tlsConfig is a config of the test bed's TLS Prometheus and Alertmanager
// with the password written inline (the worst case for a leak).
func tlsConfig(t *testing.T, tb map[string]string, password, amTLS string) string {
	t.Helper()
	testbed.Loopback(t, strings.TrimPrefix(tb[testbed.PromTLSURL], "https://"))
	testbed.Loopback(t, strings.TrimPrefix(tb[testbed.AlertmanagerTLSURL], "https://"))
	return writeConfig(t, fmt.Sprintf(`environment: testbed
projects:
  - name: chat
    services: [{component: backend, name: chat-backend}]
sources:
  prometheus:
    url: %q
    service_label: service
    basic_auth: {username: %s, password: %q}
    tls_config: {ca_file: %q}
  alertmanager:
    url: %q
    basic_auth: {username: %s, password: %q}
    tls_config: %s
`, tb[testbed.PromTLSURL], tb[testbed.TLSUser], password, tb[testbed.TLSCAFile],
		tb[testbed.AlertmanagerTLSURL], tb[testbed.TLSUser], password, amTLS))
}

// status reaches both TLS servers with basic auth; a wrong password reads
// as a refusal in the JSON, the table and the log; the password is in
// none of them, nor on stderr, at any log level.
func TestStatusOverTLSAndBasicAuth(t *testing.T) {
	tb := testbed.Need(t, testbed.PromTLSURL, testbed.AlertmanagerTLSURL, testbed.TLSUser, testbed.TLSPasswordFile,
		testbed.TLSCAFile, testbed.TLSClientCert, testbed.TLSClientKey)
	pw, err := os.ReadFile(tb[testbed.TLSPasswordFile])
	if err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(string(pw))
	amTLS := fmt.Sprintf("{ca_file: %q, cert_file: %q, key_file: %q}", tb[testbed.TLSCAFile], tb[testbed.TLSClientCert], tb[testbed.TLSClientKey])
	noSecret := func(what, s, secret string) {
		t.Helper()
		if strings.Contains(s, secret) {
			t.Errorf("%s shows the password:\n%s", what, s)
		}
	}

	code, rep, errOut := statusJSON(t, tlsConfig(t, tb, password, amTLS))
	for _, s := range rep.Sources {
		if !s.OK {
			t.Errorf("source %s: %v", s.Name, *s.Error)
		}
	}
	if code == report.ExitUnreachable {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	noSecret("stderr", errOut, password)

	const wrong = "s3cret-wrong-password"
	cfg := tlsConfig(t, tb, wrong, amTLS)
	code, rep, errOut = statusJSON(t, cfg)
	if code != report.ExitUnreachable {
		t.Fatalf("exit %d with a wrong password, want 3", code)
	}
	user := tb[testbed.TLSUser]
	want := map[string]string{
		"prometheus":   "prometheus " + strings.TrimPrefix(tb[testbed.PromTLSURL], "https://") + ": 401 Unauthorized (basic auth as " + user + ")",
		"alertmanager": "alertmanager " + strings.TrimPrefix(tb[testbed.AlertmanagerTLSURL], "https://") + ": alerts: 401 Unauthorized (basic auth as " + user + ")",
	}
	for _, s := range rep.Sources {
		if s.OK || s.Error == nil || *s.Error != want[s.Kind] {
			t.Errorf("source %s: ok %v, error %v; want %q", s.Name, s.OK, s.Error, want[s.Kind])
		}
	}
	if !strings.Contains(errOut, "401 Unauthorized (basic auth as "+user+")") {
		t.Errorf("stderr does not say why: %q", errOut)
	}
	noSecret("stderr", errOut, wrong)
	_, table, errTable := runCLI(t, os.Getenv, "status", "--config", cfg, "--log-level", "debug")
	if !strings.Contains(table, "401 Unauthorized (basic auth as "+user+")") {
		t.Errorf("the table does not say why:\n%s", table)
	}
	noSecret("the table", table, wrong)
	noSecret("the debug log", errTable, wrong)
	_, md, _ := runCLI(t, os.Getenv, "status", "--format", "markdown", "--config", cfg)
	noSecret("the markdown report", md, wrong)
}
