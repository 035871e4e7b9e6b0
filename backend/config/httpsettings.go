package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	promconfig "github.com/prometheus/common/config"
)

// HTTP is a source's HTTP client settings (basic_auth, tls_config, …):
// Prometheus' own, which prometheus/common/config builds the client from.
//
// It holds secrets, so it never prints them: every fmt verb, JSON and
// String give what is configured in words ("basic auth as opsdeck,
// tls_config ca_file /etc/ca.pem"), never a password, token or header
// value. Only Prometheus hands them out, to build the client.
type HTTP struct {
	config promconfig.HTTPClientConfig
	set    bool // config was filled by the loader; the zero HTTP means Prometheus' defaults
	// TLSPos is where tls_config stands in the file (else the source):
	// a certificate file that cannot be read is found only when the
	// client is built, and reported there.
	TLSPos Pos
}

// Prometheus is the settings as prometheus/common/config takes them,
// secrets included: for config.NewClientFromConfig, nothing else.
func (h HTTP) Prometheus() promconfig.HTTPClientConfig {
	if !h.set {
		return promconfig.DefaultHTTPClientConfig
	}
	return h.config
}

// Auth says what requests authenticate with, for a 401 or 403: "basic
// auth as opsdeck", "authorization Bearer", "oauth2 as client opsdeck",
// or "no credentials configured". Never a secret.
func (h HTTP) Auth() string {
	c := h.config
	switch {
	case c.BasicAuth != nil:
		return "basic auth as " + c.BasicAuth.Username
	case c.Authorization != nil:
		return "authorization " + c.Authorization.Type
	case c.OAuth2 != nil:
		return "oauth2 as client " + c.OAuth2.ClientID
	}
	return "no credentials configured"
}

// InsecureSkipVerify reports tls_config.insecure_skip_verify: the server's
// certificate is not checked, which the header shows as a warning.
func (h HTTP) InsecureSkipVerify() bool { return h.config.TLSConfig.InsecureSkipVerify }

// String describes the settings without their secrets.
func (h HTTP) String() string {
	c := h.config
	var parts []string
	if c.BasicAuth != nil || c.Authorization != nil || c.OAuth2 != nil {
		parts = append(parts, h.Auth())
	}
	file := func(key, path string) {
		if path != "" {
			parts = append(parts, key+" "+path)
		}
	}
	if a := c.BasicAuth; a != nil {
		file("password_file", a.PasswordFile)
	}
	if a := c.Authorization; a != nil {
		file("credentials_file", a.CredentialsFile)
	}
	if o := c.OAuth2; o != nil {
		parts = append(parts, "token_url "+o.TokenURL)
		file("client_secret_file", o.ClientSecretFile)
	}
	t := c.TLSConfig
	file("tls_config.ca_file", t.CAFile)
	file("tls_config.cert_file", t.CertFile)
	file("tls_config.key_file", t.KeyFile)
	if t.ServerName != "" {
		parts = append(parts, "tls_config.server_name "+t.ServerName)
	}
	if t.InsecureSkipVerify {
		parts = append(parts, "tls_config.insecure_skip_verify")
	}
	if c.ProxyURL.URL != nil {
		parts = append(parts, "proxy_url "+c.ProxyURL.Redacted())
	}
	if c.HTTPHeaders != nil && len(c.HTTPHeaders.Headers) > 0 {
		var names []string
		for n := range c.HTTPHeaders.Headers {
			names = append(names, n)
		}
		slices.Sort(names)
		parts = append(parts, "http_headers "+strings.Join(names, ", "))
	}
	if h.set && !c.FollowRedirects {
		parts = append(parts, "follow_redirects false")
	}
	if len(parts) == 0 {
		return "plain HTTP client"
	}
	return strings.Join(parts, ", ")
}

// Format prints String for every verb, so that %v, %+v or %#v of a
// config holding HTTP cannot show a secret.
func (h HTTP) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", h.String())
		return
	}
	fmt.Fprint(f, h.String())
}

// MarshalJSON is String as a JSON string, for the same reason.
func (h HTTP) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }
