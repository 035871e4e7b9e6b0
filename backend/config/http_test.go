package config

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	promconfig "github.com/prometheus/common/config"
)

const httpFleet = `environment: production
projects:
  - name: chat
    services:
      - component: backend
sources:
`

// Every documented key reaches Prometheus' client config with its
// meaning there; relative file paths are taken from the config's
// directory, as Prometheus does.
func TestHTTPSettings(t *testing.T) {
	c, err := Parse("/etc/opsdeck/config.yaml", []byte(httpFleet+`  prometheus:
    url: https://mimir.internal/prometheus
    basic_auth: {username: opsdeck, password_file: secrets/prom-password}
    tls_config:
      ca_file: /etc/ssl/mimir-ca.pem
      cert_file: client.pem
      key_file: client-key.pem
      server_name: mimir.internal
      insecure_skip_verify: true
    proxy_url: http://proxy.internal:3128
    http_headers:
      X-Scope-OrgID: {values: [tenant-1]}
      X-Api-Key: {secrets: [k], files: [api-key]}
    follow_redirects: false
  alertmanager:
    url: https://am.internal
    oauth2:
      client_id: opsdeck
      client_secret_file: /run/secrets/am
      token_url: https://auth.internal/token
      scopes: [alerts]
      endpoint_params: {audience: am}
`))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Sources.Prometheus.HTTP.Prometheus()
	if err := p.Validate(); err != nil {
		t.Fatalf("prometheus/common refuses what the loader accepts: %v", err)
	}
	if p.BasicAuth == nil || p.BasicAuth.Username != "opsdeck" || p.BasicAuth.PasswordFile != "/etc/opsdeck/secrets/prom-password" {
		t.Errorf("basic_auth: %+v", p.BasicAuth)
	}
	tc := p.TLSConfig
	if tc.CAFile != "/etc/ssl/mimir-ca.pem" || tc.CertFile != "/etc/opsdeck/client.pem" || tc.KeyFile != "/etc/opsdeck/client-key.pem" ||
		tc.ServerName != "mimir.internal" || !tc.InsecureSkipVerify {
		t.Errorf("tls_config: %+v", tc)
	}
	if p.ProxyURL.URL == nil || p.ProxyURL.String() != "http://proxy.internal:3128" {
		t.Errorf("proxy_url: %v", p.ProxyURL)
	}
	h := p.HTTPHeaders.Headers
	if got := h["X-Scope-OrgID"].Values; len(got) != 1 || got[0] != "tenant-1" {
		t.Errorf("X-Scope-OrgID: %+v", h["X-Scope-OrgID"])
	}
	if k := h["X-Api-Key"]; len(k.Secrets) != 1 || k.Secrets[0] != "k" || len(k.Files) != 1 || k.Files[0] != "/etc/opsdeck/api-key" {
		t.Errorf("X-Api-Key: %+v", k)
	}
	if p.FollowRedirects || !p.EnableHTTP2 {
		t.Errorf("follow_redirects %v, enable_http2 %v", p.FollowRedirects, p.EnableHTTP2)
	}
	if !c.Sources.Prometheus.HTTP.InsecureSkipVerify() {
		t.Error("InsecureSkipVerify is false")
	}
	if got := c.Sources.Prometheus.HTTP.Auth(); got != "basic auth as opsdeck" {
		t.Errorf("Auth %q", got)
	}

	a := c.Sources.Alertmanager.HTTP.Prometheus()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	o := a.OAuth2
	if o == nil || o.ClientID != "opsdeck" || o.ClientSecretFile != "/run/secrets/am" || o.TokenURL != "https://auth.internal/token" ||
		len(o.Scopes) != 1 || o.EndpointParams["audience"] != "am" {
		t.Errorf("oauth2: %+v", o)
	}
	if !a.FollowRedirects || a.TLSConfig.InsecureSkipVerify {
		t.Errorf("defaults: follow_redirects %v, insecure %v", a.FollowRedirects, a.TLSConfig.InsecureSkipVerify)
	}
	if got := c.Sources.Alertmanager.HTTP.Auth(); got != "oauth2 as client opsdeck" {
		t.Errorf("Auth %q", got)
	}
}

// Without settings a source gets Prometheus' defaults, and so does a
// zero HTTP (a config built in code).
func TestHTTPDefaults(t *testing.T) {
	c, err := Parse("c.yaml", []byte(httpFleet+"  prometheus: {url: \"http://127.0.0.1:9090\"}\n  alertmanager: {url: \"http://127.0.0.1:9093\", authorization: {credentials_file: token}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []HTTP{c.Sources.Prometheus.HTTP, {}} {
		p := h.Prometheus()
		if !p.FollowRedirects || !p.EnableHTTP2 || p.BasicAuth != nil || p.TLSConfig.CAFile != "" {
			t.Errorf("defaults: %+v", p)
		}
		if h.Auth() != "no credentials configured" || h.InsecureSkipVerify() {
			t.Errorf("Auth %q, insecure %v", h.Auth(), h.InsecureSkipVerify())
		}
	}
	am := c.Sources.Alertmanager.HTTP
	if am.Auth() != "authorization Bearer" || am.Prometheus().Authorization.CredentialsFile != "token" {
		t.Errorf("authorization: %q %+v", am.Auth(), am.Prometheus().Authorization)
	}
}

// secretsFleet holds one secret in every place a secret can stand.
const secretsFleet = httpFleet + `  prometheus:
    url: https://prom.internal
    basic_auth: {username: opsdeck, password: s3cr3t-password}
    http_headers:
      X-Api-Key: {secrets: [s3cr3t-header]}
  alertmanager:
    url: https://am.internal
    authorization: {credentials: s3cr3t-token}
`

var secrets = []string{"s3cr3t-password", "s3cr3t-header", "s3cr3t-token", "s3cr3t-client"}

func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("%s shows the secret %q:\n%s", what, sec, s)
		}
	}
}

// No fmt verb, and no JSON, of a loaded config shows a secret.
func TestHTTPSecretsNeverPrinted(t *testing.T) {
	c, err := Parse("c.yaml", []byte(secretsFleet))
	if err != nil {
		t.Fatal(err)
	}
	oauth, err := Parse("c.yaml", []byte(httpFleet+"  alertmanager:\n    url: https://am.internal\n    oauth2: {client_id: o, client_secret: s3cr3t-client, token_url: \"https://auth.internal/t\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{
		"prometheus": *c.Sources.Prometheus, "alertmanager": *c.Sources.Alertmanager, "sources": c.Sources,
		"config": *c, "oauth2": *oauth.Sources.Alertmanager, "http": c.Sources.Prometheus.HTTP,
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			assertNoSecret(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecret(t, name+" as JSON", string(b))
	}
	// The settings do hold them, for the client.
	if c.Sources.Prometheus.HTTP.Prometheus().BasicAuth.Password != promconfig.Secret("s3cr3t-password") {
		t.Fatal("the password did not reach the client config")
	}
	if got := fmt.Sprint(c.Sources.Prometheus.HTTP); got != "basic auth as opsdeck, http_headers X-Api-Key" {
		t.Errorf("String %q", got)
	}
}

// A config that does not load says why without quoting a secret, whatever
// is wrong with the value.
func TestHTTPSecretsNotInErrors(t *testing.T) {
	bodies := []string{
		"    basic_auth: {username: u, password: [s3cr3t-password]}\n",
		"    basic_auth: {username: u, password: {x: s3cr3t-password}}\n",
		"    basic_auth: {username: u, password: s3cr3t-password, password_file: /p}\n",
		"    basic_auth: {username: u, password: s3cr3t-password}\n    authorization: {credentials: s3cr3t-token}\n",
		"    authorization: {type: Basic, credentials: s3cr3t-token}\n",
		"    http_headers: {X-Api-Key: s3cr3t-header}\n",
		"    http_headers: {X-Api-Key: {secrets: s3cr3t-header}}\n",
		"    http_headers: {X-Api-Key: {secrets: [[s3cr3t-header]]}}\n",
		"    http_headers: {X-Api-Key: [s3cr3t-header]}\n",
		"    http_headers: {Authorization: {secrets: [s3cr3t-header]}}\n",
		"    oauth2: {client_id: o, client_secret: s3cr3t-client, client_secret_file: /s, token_url: \"https://a/t\"}\n",
		"    oauth2: {client_secret: [s3cr3t-client]}\n",
		"    basic_auth: {username: u, password: \"s3cr3t-password}\n",
		"    basic_auth: {username: u, password: s3cr3t-password, pasword: x}\n",
	}
	for _, body := range bodies {
		_, err := Parse("c.yaml", []byte(httpFleet+"  prometheus:\n    url: https://prom.internal\n"+body))
		if err == nil {
			t.Fatalf("loads:\n%s", body)
		}
		assertNoSecret(t, "the error of "+strings.TrimSpace(body), err.Error())
	}
}

// The examples of docs/configuration.md's "Authentication, TLS and
// tenants" load as written.
func TestHTTPDocExamplesLoad(t *testing.T) {
	data, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(data), "### Authentication, TLS and tenants")
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := strings.Split(section, "```yaml\n")[1:]
	if len(blocks) < 2 {
		t.Fatalf("%d examples found", len(blocks))
	}
	for _, b := range blocks {
		example, _, _ := strings.Cut(b, "```")
		body := strings.Replace(httpFleet, "sources:\n", example, 1)
		if _, err := Parse("/etc/opsdeck/config.yaml", []byte(body)); err != nil {
			t.Errorf("%v\n%s", err, example)
		}
	}
}
