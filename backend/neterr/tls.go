package neterr

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
)

// TLS says why a TLS connection failed, in the words of the failure
// ("certificate signed by unknown authority"), and hint names the
// tls_config key that most likely fixes it on opsdeck's side ("" when
// the fault is the server's, an expired certificate say). ok is false when
// err is no TLS failure.
func TLS(err error) (why, hint string, ok bool) {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		op       *net.OpError
	)
	switch {
	case errors.As(err, &unknown):
		return "certificate signed by unknown authority", "tls_config.ca_file", true
	case errors.As(err, &hostname):
		return strings.TrimPrefix(hostname.Error(), "x509: "), "tls_config.server_name", true
	case errors.As(err, &invalid):
		return strings.TrimPrefix(invalid.Error(), "x509: "), "", true
	case errors.As(err, &verify):
		return strings.TrimPrefix(verify.Err.Error(), "x509: "), "tls_config.ca_file", true
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http words the second case itself, from a RecordHeaderError.
		return "the server does not speak TLS", "http:// in url", true
	case errors.As(err, &op) && op.Op == "remote error":
		// An alert the server sent: with TLS 1.3 the client certificate is
		// judged after the handshake, so it comes with the first answer.
		alert := strings.TrimPrefix(op.Err.Error(), "tls: ")
		switch alert {
		case "certificate required":
			return "the server wants a client certificate", "tls_config.cert_file", true
		case "bad certificate", "unknown certificate authority", "certificate unknown", "expired certificate", "unsupported certificate":
			// Sent for no certificate as well as for one it does not
			// trust (TLS 1.2, and servers built with an older Go).
			return "the server wants a client certificate it trusts (" + alert + ")", "tls_config.cert_file", true
		}
		return "the server ended the TLS handshake: " + alert, "", true
	}
	return "", "", false
}
