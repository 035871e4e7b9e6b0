package docker

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/manacore/opsdeck/backend/neterr"
)

// The three files of TLSFiles, for key and TLSFileError.
const (
	tlsCA   = "ca"
	tlsCert = "cert"
	tlsKey  = "key"
)

// key is what a message calls one of the files, so that the person reading
// it knows what to change: the config's key (tls.cert_file), or the file's
// name in the directory it came from (cert.pem of DOCKER_CERT_PATH).
func (t *TLSFiles) key(which string) string {
	if t.From == "" {
		return "tls." + which + "_file"
	}
	return which + ".pem of " + t.From
}

// TLSFileError is a certificate file of an engine that cannot be read or
// used: the engine could never be reached.
type TLSFileError struct {
	Key  string // tls.cert_file, or cert.pem of DOCKER_CERT_PATH
	Path string
	Err  error
}

func (e *TLSFileError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Key, e.Path, e.Err)
}

func (e *TLSFileError) Unwrap() error { return e.Err }

// check reads the files as the client will, so that a missing or broken
// one is named by its key rather than by go-connections' "failed to
// create tls config".
func (t *TLSFiles) check() error {
	for _, f := range []struct{ which, path string }{{tlsCA, t.CA}, {tlsCert, t.Cert}, {tlsKey, t.Key}} {
		if f.path == "" {
			continue
		}
		if _, err := os.ReadFile(f.path); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return &TLSFileError{Key: t.key(f.which), Path: f.path, Err: err}
		}
	}
	if t.CA != "" {
		b, _ := os.ReadFile(t.CA)
		if !x509.NewCertPool().AppendCertsFromPEM(b) {
			return &TLSFileError{Key: t.key(tlsCA), Path: t.CA, Err: errors.New("holds no PEM certificate")}
		}
	}
	switch {
	case t.Cert != "" && t.Key == "":
		return &TLSFileError{Key: t.key(tlsKey), Path: "(none)", Err: errors.New("a client certificate needs its key")}
	case t.Key != "" && t.Cert == "":
		return &TLSFileError{Key: t.key(tlsCert), Path: "(none)", Err: errors.New("a key needs its client certificate")}
	case t.Cert != "":
		if _, err := tls.LoadX509KeyPair(t.Cert, t.Key); err != nil {
			return &TLSFileError{Key: t.key(tlsCert), Path: t.Cert, Err: fmt.Errorf("with %s %s: %v", t.key(tlsKey), t.Key, strings.TrimPrefix(err.Error(), "tls: "))}
		}
	}
	return nil
}

// tlsError is a request that failed on TLS, in words, with the file to
// look at; it keeps the cause for errors.Is/As.
type tlsError struct {
	msg string
	err error
}

func (e *tlsError) Error() string { return e.msg }
func (e *tlsError) Unwrap() error { return e.err }

// describeTLS words a TLS failure of a request to the engine, naming the
// setting that most likely fixes it on opsdeck's side: "the server wants
// a client certificate it trusts (bad certificate) (tls.cert_file?)".
// ok is false for any other failure.
func (e *Engine) describeTLS(err error) (string, bool) {
	t := e.cfg.TLS
	if t == nil {
		// The engine speaks TLS and we spoke plain HTTP to it: its answer
		// is a 400 with this text.
		if strings.Contains(err.Error(), "Client sent an HTTP request to an HTTPS server") {
			return "the engine wants TLS: give tls {ca_file, cert_file, key_file} (or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)", true
		}
		return "", false
	}
	why, hint, ok := neterr.TLS(err)
	if !ok {
		// TLS 1.3 judges the client certificate after the handshake: the
		// engine's alert races the request, which may see only the
		// connection closing.
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
			return "the engine closed the TLS connection (" + t.key(tlsCert) + "?)", true
		}
		return "", false
	}
	switch hint {
	case "tls_config.ca_file":
		hint = t.key(tlsCA)
	case "tls_config.cert_file":
		hint = t.key(tlsCert)
	case "http:// in url":
		hint = "drop tls"
		if t.From != "" {
			hint = "no TLS: drop " + t.From
		}
	default:
		// tls_config.server_name: the engine's certificate must name the
		// host of its address; there is no setting for it here.
		hint = ""
	}
	if hint != "" {
		why += " (" + hint + "?)"
	}
	return why, true
}
