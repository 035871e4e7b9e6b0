//go:build integration

package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

// tlsBed is the test bed's second engine: tcp with --tlsverify.
func tlsBed(t *testing.T) (host, certs, project string) {
	t.Helper()
	env := testbed.Need(t, testbed.DockerTLSHost, testbed.DockerTLSCertPath, testbed.DockerTLSProject)
	host = env[testbed.DockerTLSHost]
	testbed.Loopback(t, strings.TrimPrefix(host, "tcp://"))
	return host, env[testbed.DockerTLSCertPath], env[testbed.DockerTLSProject]
}

func fetchOnce(e *Engine) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := e.Fetch(ctx)
	return err
}

// The engine behind TLS: its compose project through the bed's CA and
// client certificate; a certificate it does not trust, none at all, or
// a CA that did not sign its own are each named with the file to look at.
func TestTLSEngine(t *testing.T) {
	host, certs, project := tlsBed(t)
	files := TLSFiles{CA: filepath.Join(certs, "ca.pem"), Cert: filepath.Join(certs, "cert.pem"), Key: filepath.Join(certs, "key.pem")}

	t.Run("the bed's certificates", func(t *testing.T) {
		e := newEngine(t, Config{Name: "tls", Host: host, TLS: &files})
		startEngine(t, e)
		svcs, err := services(e, project)
		if err != nil {
			t.Fatal(err)
		}
		if len(svcs) == 0 {
			t.Fatalf("no service of project %s through TLS", project)
		}
		for name, s := range svcs {
			if len(s.Containers) == 0 || s.Containers[0].State != "running" {
				t.Errorf("%s: %+v", name, s)
			}
		}
	})

	dir := t.TempDir()
	cert, key := writePair(t, dir, "stranger")
	cases := []struct {
		name string
		tls  TLSFiles
		want string
	}{
		{"a client certificate of another CA", TLSFiles{CA: files.CA, Cert: cert, Key: key}, "(tls.cert_file?)"},
		{"no client certificate", TLSFiles{CA: files.CA, From: "DOCKER_CERT_PATH"}, "(cert.pem of DOCKER_CERT_PATH?)"},
		{"another CA", TLSFiles{CA: cert, Cert: files.Cert, Key: files.Key}, "certificate signed by unknown authority (tls.ca_file?)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEngine(t, Config{Name: "tls", Host: host, TLS: &c.tls})
			startEngine(t, e)
			err := fetchOnce(e)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), host) {
				t.Fatalf("%v, want it to name %s and %q", err, host, c.want)
			}
		})
	}

	t.Run("plain HTTP", func(t *testing.T) {
		e := newEngine(t, Config{Name: "tls", Host: host})
		startEngine(t, e)
		if err := fetchOnce(e); err == nil || !strings.Contains(err.Error(), "the engine wants TLS: give tls") {
			t.Fatalf("%v, want it to say the engine wants TLS", err)
		}
	})

	t.Run("a missing file", func(t *testing.T) {
		missing := filepath.Join(dir, "gone.pem")
		_, err := New(Config{Name: "tls", Host: host, TLS: &TLSFiles{CA: files.CA, Cert: missing, Key: files.Key}})
		var fe *TLSFileError
		if !errors.As(err, &fe) || fe.Key != "tls.cert_file" || !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v, want tls.cert_file %s: no such file", err, missing)
		}
	})
}
