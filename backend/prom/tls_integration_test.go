//go:build integration

package prom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/httpclient"
	"github.com/manacore/opsdeck/backend/testbed"
)

// tlsBed is the test bed's Prometheus behind TLS and basic auth.
type tlsBed struct {
	url, host, user, password, ca string
}

func needTLSBed(t *testing.T) tlsBed {
	t.Helper()
	env := testbed.Need(t, testbed.PromTLSURL, testbed.TLSUser, testbed.TLSPasswordFile, testbed.TLSCAFile)
	u, err := url.Parse(env[testbed.PromTLSURL])
	if err != nil {
		t.Fatal(err)
	}
	testbed.Loopback(t, u.Host)
	return tlsBed{url: env[testbed.PromTLSURL], host: u.Host, user: env[testbed.TLSUser], password: env[testbed.TLSPasswordFile], ca: env[testbed.TLSCAFile]}
}

// tlsSource goes the way the console does: the settings written in a
// config (settings: the YAML beside url), the loader, httpclient, prom.
func tlsSource(t *testing.T, bed tlsBed, settings string) *Source {
	t.Helper()
	c, err := config.Parse("tls.yaml", []byte(fmt.Sprintf(`environment: testbed
projects: [{name: chat, services: [{component: backend, name: chat-backend}]}]
sources:
  prometheus:
    url: %q
    service_label: service
%s`, bed.url, settings)))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Sources.Prometheus
	hc, err := httpclient.New(p.HTTP.Prometheus(), "prometheus")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hc.CloseIdleConnections)
	s, err := New(Config{URL: p.URL, ServiceLabel: "service", Services: tbServices, Client: hc, Auth: p.HTTP.Auth()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fetch(s *Source) (backend.Partial, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	part, err := s.Fetch(ctx)
	var inc *backend.IncompleteError
	if errors.As(err, &inc) {
		err = nil // figures of the fleet alone are asked: no database nor probe series here
	}
	return part, err
}

// figures reports whether part has the fleet's live request rates.
func figures(part backend.Partial) (bool, string) {
	for svc, want := range tbRPS {
		m, ok := part.Metrics[svc]
		if !ok || !m.RPS.Valid || math.Abs(m.RPS.V-want) > want/2 {
			return false, fmt.Sprintf("%s rps %+v, want about %v", svc, m.RPS, want)
		}
	}
	return true, ""
}

// The console reaches a Prometheus behind TLS (the bed's own CA) and
// basic auth (a password file) and reads the fleet's figures.
func TestIntegrationPrometheusTLSAndBasicAuth(t *testing.T) {
	bed := needTLSBed(t)
	s := tlsSource(t, bed, fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {ca_file: %q}\n", bed.user, bed.password, bed.ca))
	// A bed just started has scraped too little for a rate.
	testbed.Eventually(t, 60*time.Second, "the fleet's figures over TLS", func() (bool, string) {
		part, err := fetch(s)
		if err != nil {
			return false, err.Error()
		}
		return figures(part)
	})
}

// A wrong password reads as a refusal, with the user it was given for.
func TestIntegrationPrometheusWrongPassword(t *testing.T) {
	bed := needTLSBed(t)
	wrong := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(wrong, []byte("not-the-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := tlsSource(t, bed, fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {ca_file: %q}\n", bed.user, wrong, bed.ca))
	_, err := fetch(s)
	if want := "prometheus " + bed.host + ": 401 Unauthorized (basic auth as " + bed.user + ")"; err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// Without the CA the certificate is refused, and the error names the key.
func TestIntegrationPrometheusMissingCA(t *testing.T) {
	bed := needTLSBed(t)
	s := tlsSource(t, bed, fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n", bed.user, bed.password))
	_, err := fetch(s)
	if want := "prometheus " + bed.host + ": certificate signed by unknown authority (tls_config.ca_file?)"; err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// A password file rewritten while the console runs is read again by the
// same source: a wrong password is refused at once, the right one works
// again at once, no restart.
func TestIntegrationPrometheusPasswordFileRewritten(t *testing.T) {
	bed := needTLSBed(t)
	right, err := os.ReadFile(bed.password)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "password")
	rewrite := func(data []byte) {
		t.Helper()
		// As a secret store rotates a file: a new one renamed over it.
		if err := os.WriteFile(file+".new", data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(file+".new", file); err != nil {
			t.Fatal(err)
		}
	}
	rewrite(right)
	s := tlsSource(t, bed, fmt.Sprintf("    basic_auth: {username: %s, password_file: %q}\n    tls_config: {ca_file: %q}\n", bed.user, file, bed.ca))
	if _, err := fetch(s); err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	rewrite([]byte("rotated-elsewhere\n"))
	if _, err := fetch(s); err == nil || err.Error() != "prometheus "+bed.host+": 401 Unauthorized (basic auth as "+bed.user+")" {
		t.Fatalf("with the file rewritten to a wrong password: %v", err)
	}
	// In place this time, as an editor writes it.
	if err := os.WriteFile(file, right, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := fetch(s); err != nil {
		t.Fatalf("with the right password back: %v", err)
	}
}
