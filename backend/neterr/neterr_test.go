package neterr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

func TestDescribe(t *testing.T) {
	// A loopback port nothing listens on.
	addr := testbed.FreeAddr(t)
	_, err := http.Get("http://" + addr + "/api/v1/query")
	if got := Describe(err); got != "connection refused" {
		t.Errorf("refused: %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if got := Describe(fmt.Errorf("query: %w", ctx.Err())); got != "no answer before the deadline" {
		t.Errorf("deadline: %q", got)
	}
	if got := FirstLine("\n  first line\nsecond", 5); got != "first…" {
		t.Errorf("first line: %q", got)
	}
	if got := FirstLine(strings.Repeat("é", 4), 3); got != "é…" {
		t.Errorf("cut inside a rune must not leave broken UTF-8: %q", got)
	}
}

// A TLS failure reads as what it is, without the hint only sources with a
// tls_config give (httpclient.Describe).
func TestDescribeTLS(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://127.0.0.1:9090", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}
	if got := Describe(err); got != "certificate signed by unknown authority" {
		t.Errorf("unknown authority: %q", got)
	}
	why, hint, ok := TLS(err)
	if !ok || hint != "tls_config.ca_file" || why != "certificate signed by unknown authority" {
		t.Errorf("TLS: %q %q %v", why, hint, ok)
	}
	if _, _, ok := TLS(errors.New("connection refused")); ok {
		t.Error("a refused connection is no TLS failure")
	}
}
