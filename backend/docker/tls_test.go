package docker

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writePair writes a self-signed certificate and its key as PEM files in
// dir and returns their paths.
func writePair(t *testing.T, dir, name string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, name+"-cert.pem"), filepath.Join(dir, name+"-key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// A certificate file that cannot be used is named by the setting that
// gave it, a config's key or the file of DOCKER_CERT_PATH, and the
// engine is never made.
func TestTLSFilesNamedByTheirKey(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := writePair(t, dir, "ca")
	cert, key := writePair(t, dir, "client")
	_, otherKey := writePair(t, dir, "other")
	missing := filepath.Join(dir, "missing.pem")
	cases := []struct {
		name string
		tls  TLSFiles
		want string // "" for no error
	}{
		{"all there", TLSFiles{CA: ca, Cert: cert, Key: key}, ""},
		{"only a CA", TLSFiles{CA: ca}, ""},
		{"missing cert", TLSFiles{CA: ca, Cert: missing, Key: key}, "tls.cert_file " + missing + ": no such file or directory"},
		{"missing CA", TLSFiles{CA: missing}, "tls.ca_file " + missing + ": no such file or directory"},
		{"a key as CA", TLSFiles{CA: caKey}, "tls.ca_file " + caKey + ": holds no PEM certificate"},
		{"another's key", TLSFiles{Cert: cert, Key: otherKey}, "tls.cert_file " + cert + ": with tls.key_file " + otherKey + ": private key does not match public key"},
		{"DOCKER_CERT_PATH", TLSFiles{CA: ca, Cert: missing, Key: key, From: "DOCKER_CERT_PATH"}, "cert.pem of DOCKER_CERT_PATH " + missing + ": no such file or directory"},
	}
	for _, c := range cases {
		_, err := New(Config{Name: "tls", Host: "tcp://127.0.0.1:2376", TLS: &c.tls})
		var fe *TLSFileError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want == "":
		case !errors.As(err, &fe) || err.Error() != "docker@tls: "+c.want:
			t.Errorf("%s: %v (%T), want %q", c.name, err, err, c.want)
		}
	}
}

// A request that fails on TLS says why and which file to look at; one
// sent without TLS to an engine that wants it says to give tls.
func TestTLSFailuresNameTheFile(t *testing.T) {
	dir := t.TempDir()
	ca, _ := writePair(t, dir, "ca")
	cert, key := writePair(t, dir, "client")
	engine := func(tf *TLSFiles) *Engine {
		e, err := New(Config{Name: "tls", Host: "tcp://127.0.0.1:2376", TLS: tf})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	remote := func(alert string) error {
		return &net.OpError{Op: "remote error", Net: "tcp", Err: errors.New("tls: " + alert)}
	}
	cases := []struct {
		name string
		tls  *TLSFiles
		err  error
		want string
	}{
		{"unknown authority", &TLSFiles{CA: ca}, x509.UnknownAuthorityError{}, "ping: engine tcp://127.0.0.1:2376: certificate signed by unknown authority (tls.ca_file?)"},
		{"client certificate refused", &TLSFiles{CA: ca, Cert: cert, Key: key}, remote("bad certificate"),
			"ping: engine tcp://127.0.0.1:2376: the server wants a client certificate it trusts (bad certificate) (tls.cert_file?)"},
		{"none given, from the environment", &TLSFiles{CA: ca, From: "DOCKER_CERT_PATH"}, remote("certificate required"),
			"ping: engine tcp://127.0.0.1:2376: the server wants a client certificate (cert.pem of DOCKER_CERT_PATH?)"},
		{"dropped after the handshake", &TLSFiles{CA: ca}, fmt.Errorf("write: %w", syscall.EPIPE),
			"ping: engine tcp://127.0.0.1:2376: the engine closed the TLS connection (tls.cert_file?)"},
		{"plain HTTP to a TLS engine", nil, errors.New("Error response from daemon: Client sent an HTTP request to an HTTPS server."),
			"ping: engine tcp://127.0.0.1:2376: the engine wants TLS: give tls {ca_file, cert_file, key_file} (or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)"},
		{"a TLS engine with a bad certificate of its own", &TLSFiles{CA: ca}, x509.CertificateInvalidError{Reason: x509.Expired},
			"ping: engine tcp://127.0.0.1:2376: " + strings.TrimPrefix(x509.CertificateInvalidError{Reason: x509.Expired}.Error(), "x509: ")},
	}
	for _, c := range cases {
		err := engine(c.tls).wrap("ping", "", c.err)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if !errors.Is(err, c.err) {
			t.Errorf("%s: the cause is lost: %v", c.name, err)
		}
	}
}
