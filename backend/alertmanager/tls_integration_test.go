//go:build integration

package alertmanager

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/httpclient"
	"github.com/manacore/opsdeck/backend/testbed"
)

// tlsBed is the test bed's Alertmanager behind TLS, basic auth and a
// client certificate (Alertmanager 0.25 takes --web.config.file).
type tlsBed struct {
	url, host, user, password, ca, cert, key string
}

func needTLSBed(t *testing.T) tlsBed {
	t.Helper()
	env := testbed.Need(t, testbed.AlertmanagerTLSURL, testbed.TLSUser, testbed.TLSPasswordFile, testbed.TLSCAFile,
		testbed.TLSClientCert, testbed.TLSClientKey)
	u, err := url.Parse(env[testbed.AlertmanagerTLSURL])
	if err != nil {
		t.Fatal(err)
	}
	testbed.Loopback(t, u.Host)
	return tlsBed{url: env[testbed.AlertmanagerTLSURL], host: u.Host, user: env[testbed.TLSUser], password: env[testbed.TLSPasswordFile],
		ca: env[testbed.TLSCAFile], cert: env[testbed.TLSClientCert], key: env[testbed.TLSClientKey]}
}

// full is every setting the bed's TLS Alertmanager wants.
func (b tlsBed) full() string {
	return fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {ca_file: %q, cert_file: %q, key_file: %q}\n",
		b.user, b.password, b.ca, b.cert, b.key)
}

// tlsClient goes the way the console does: settings written in a config,
// the loader, httpclient, the Alertmanager client.
func tlsClient(t *testing.T, bed tlsBed, settings string) (*Client, *http.Client) {
	t.Helper()
	c, err := config.Parse("tls.yaml", []byte(fmt.Sprintf(`environment: testbed
projects: [{name: chat, services: [{component: backend, name: chat-backend}]}]
sources:
  alertmanager:
    url: %q
%s`, bed.url, settings)))
	if err != nil {
		t.Fatal(err)
	}
	am := c.Sources.Alertmanager
	hc, err := httpclient.New(am.HTTP.Prometheus(), "alertmanager")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hc.CloseIdleConnections)
	cl, err := New(Config{URL: am.URL, Client: hc, Auth: am.HTTP.Auth()})
	if err != nil {
		t.Fatal(err)
	}
	return cl, hc
}

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// With basic auth, the bed's CA and the client certificate, alerts are
// read and silences made and expired through TLS.
func TestIntegrationAlertmanagerTLS(t *testing.T) {
	bed := needTLSBed(t)
	c, hc := tlsClient(t, bed, bed.full())
	// Only the tests send this Alertmanager alerts: one of our own, with
	// a name no other test looks for.
	marker := fmt.Sprintf("tls-%d-%d", os.Getpid(), time.Now().UnixNano())
	body := fmt.Sprintf(`[{"labels":{"alertname":"OpsdeckTLSTest","severity":"warning","opsdeck_test":%q},"annotations":{"summary":"over TLS"},"endsAt":%q}]`,
		marker, time.Now().Add(5*time.Minute).UTC().Format(time.RFC3339))
	req, err := http.NewRequestWithContext(ctx5(t), http.MethodPost, bed.url+"/api/v2/alerts", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("posting an alert: %s", httpclient.Describe(err))
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("posting an alert: %s", resp.Status)
	}
	var mine *backend.Alert
	testbed.Eventually(t, 30*time.Second, "our alert over TLS", func() (bool, string) {
		part, err := c.Fetch(ctx5(t))
		mine = nil
		for i, a := range part.Alerts {
			if a.Name == "OpsdeckTLSTest" && a.Summary == "over TLS" {
				mine = &part.Alerts[i]
			}
		}
		return err == nil && mine != nil, fmt.Sprintf("err %v; alerts %+v", err, part.Alerts)
	})
	id, err := c.Silence(ctx5(t), map[string]string{"opsdeck_test": marker}, 10*time.Minute, "opsdeck/integration-test", "TLS "+marker)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Expire(ctx5(t), id); err != nil {
		t.Fatal(err)
	}
}

// Each missing piece reads as what it is: the client certificate, the
// CA, the password.
func TestIntegrationAlertmanagerTLSFailures(t *testing.T) {
	bed := needTLSBed(t)
	wrong := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(wrong, []byte("not-the-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, settings, want string
	}{
		{"no client certificate", fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {ca_file: %q}\n", bed.user, bed.password, bed.ca),
			// Alertmanager 0.25 says "bad certificate" for no certificate,
			// an alert that races the request (httpclient.droppedTLS).
			"the server wants a client certificate it trusts (bad certificate) (tls_config.cert_file?)|the server closed the TLS connection (tls_config.cert_file?)"},
		{"no CA", fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {cert_file: %q, key_file: %q}\n", bed.user, bed.password, bed.cert, bed.key),
			"certificate signed by unknown authority (tls_config.ca_file?)"},
		{"wrong password", fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {ca_file: %q, cert_file: %q, key_file: %q}\n",
			bed.user, wrong, bed.ca, bed.cert, bed.key), "401 Unauthorized (basic auth as " + bed.user + ")"},
		{"no credentials", fmt.Sprintf("    tls_config: {ca_file: %q, cert_file: %q, key_file: %q}\n", bed.ca, bed.cert, bed.key),
			"401 Unauthorized (no credentials configured)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, _ := tlsClient(t, bed, c.settings)
			_, err := cl.Fetch(ctx5(t))
			var wants []string
			for _, w := range strings.Split(c.want, "|") {
				wants = append(wants, "alertmanager "+bed.host+": alerts: "+w)
			}
			if err == nil || !slices.Contains(wants, err.Error()) {
				t.Errorf("got  %v\nwant %s", err, strings.Join(wants, "\nor   "))
			}
		})
	}
}
