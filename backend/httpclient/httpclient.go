// Package httpclient builds the HTTP clients of opsdeck's HTTP sources
// (Prometheus, Alertmanager) from Prometheus' own client settings
// (prometheus/common/config: basic_auth, tls_config, …), and says in a
// panel's words why a request failed: a TLS failure with the tls_config
// key that likely fixes it, a 401 or 403 with what opsdeck authenticated
// as. Neither ever contains a secret.
package httpclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	promconfig "github.com/prometheus/common/config"

	"github.com/manacore/opsdeck/backend/neterr"
)

// New builds the client of the source name from its settings. Secrets in
// files (password_file, credentials_file, client_secret_file, header
// files) are read at every request and certificate files when they
// change, so a rotated secret is used without a restart. The client has
// no timeout of its own: every request is bounded by its context.
//
// It fails when a certificate file given cannot be read or used: the
// source could never connect.
func New(cfg promconfig.HTTPClientConfig, name string) (*http.Client, error) {
	c, err := promconfig.NewClientFromConfig(cfg, name)
	if err != nil {
		return nil, err
	}
	c.Transport = &gzipTransport{next: c.Transport}
	return c, nil
}

// Describe says why a request got no answer, as neterr.Describe does,
// and for a TLS failure also the tls_config key to look at:
// "certificate signed by unknown authority (tls_config.ca_file?)".
func Describe(err error) string {
	if why, hint, ok := neterr.TLS(err); ok {
		if hint != "" {
			return why + " (" + hint + "?)"
		}
		return why
	}
	if droppedTLS(err) {
		return "the server closed the TLS connection (tls_config.cert_file?)"
	}
	return neterr.Describe(err)
}

// droppedTLS reports an https request whose connection the server broke
// off. With TLS 1.3 the client certificate is judged after the handshake:
// the server's alert and its closing the connection race the request
// being written, so a missing or untrusted certificate often shows as a
// broken pipe, a reset, or (over HTTP/2, whose preface is written first)
// "http2: client conn could not be established", instead of the alert
// that says so.
func droppedTLS(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) && strings.HasPrefix(ue.URL, "https://") &&
		(errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
			strings.Contains(err.Error(), "http2: client conn could not be established"))
}

// Denied words an answer that refused opsdeck (401, 403, 407): the
// status, the server's own reason when it adds to it (Mimir's "no org
// id"), and what opsdeck authenticated with (auth, from config.HTTP.Auth):
// "401 Unauthorized (basic auth as opsdeck)". false for any other code.
func Denied(code int, body, auth string) (string, bool) {
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden:
	case http.StatusProxyAuthRequired:
		auth = "proxy_url"
	default:
		return "", false
	}
	text := fmt.Sprintf("%d %s", code, http.StatusText(code))
	if r := neterr.FirstLine(body, 120); r != "" && !strings.EqualFold(strings.TrimSuffix(r, "."), http.StatusText(code)) {
		text += ": " + r
	}
	if auth != "" {
		text += " (" + auth + ")"
	}
	return text, true
}
