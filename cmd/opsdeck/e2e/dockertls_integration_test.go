//go:build unix && integration

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/testbed"
)

// tlsEngine is the test bed's second engine, on tcp with --tlsverify: its
// host, the DOCKER_CERT_PATH directory of its client certificate and the
// compose project it runs.
func tlsEngine(t *testing.T) (host, certs, project string) {
	t.Helper()
	env := testbed.Need(t, testbed.DockerTLSHost, testbed.DockerTLSCertPath, testbed.DockerTLSProject)
	return env[testbed.DockerTLSHost], env[testbed.DockerTLSCertPath], env[testbed.DockerTLSProject]
}

// strangerCerts is a DOCKER_CERT_PATH directory with the bed's CA and a
// client certificate of a CA the engine does not know.
func strangerCerts(t *testing.T, certs string) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join(certs, "ca.pem"), filepath.Join(dir, "ca.pem"))
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-days", "1", "-subj", "/CN=stranger", "-keyout", filepath.Join(dir, "key.pem"), "-out", filepath.Join(dir, "cert.pem")).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	return dir
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeTLSContext writes a docker context named name for host with the TLS
// files of certs, as `docker context create NAME --docker
// host=…,ca=…,cert=…,key=…` lays it out under dockerDir.
func writeTLSContext(t *testing.T, dockerDir, name, host, certs string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	doc := `{"Name":"` + name + `","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
	meta := filepath.Join(dockerDir, "contexts", "meta", id, "meta.json")
	if err := os.MkdirAll(filepath.Dir(meta), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(meta, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		copyFile(t, filepath.Join(certs, f), filepath.Join(dockerDir, "contexts", "tls", id, "docker", f))
	}
}

// checkTLSEngine: the document lists the TLS engine's compose project
// from the source named source, which is up.
func checkTLSEngine(t *testing.T, doc statusDoc, source, project string) {
	t.Helper()
	if doc.Demo || len(doc.Sources) == 0 || doc.Sources[0].Name != source || !doc.Sources[0].OK {
		t.Fatalf("demo %v (%v), sources %+v, want %s up", doc.Demo, doc.DemoReason, doc.Sources, source)
	}
	if got := doc.projectsOf(); len(got[project]) == 0 {
		t.Errorf("the TLS engine's compose project %s is not listed: %v", project, got)
	}
}

// With no config, the engine behind TLS is found as the docker CLI finds
// it: DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, a context
// with its TLS files named by DOCKER_CONTEXT, and the same context as
// the one in use in ~/.docker/config.json; a client certificate it does
// not trust, or one missing, is named as the file of DOCKER_CERT_PATH to
// look at, in the demo's reason.
func TestZeroConfigTLSEngine(t *testing.T) {
	t.Parallel()
	host, certs, project := tlsEngine(t)

	t.Run("DOCKER_HOST", func(t *testing.T) {
		doc := zeroStatus(t, "DOCKER_HOST="+host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH="+certs)
		checkTLSEngine(t, doc, "docker@local (DOCKER_HOST)", project)
	})
	t.Run("DOCKER_CONTEXT", func(t *testing.T) {
		dir := t.TempDir()
		writeTLSContext(t, dir, "tlsbed", host, certs)
		doc := zeroStatus(t, "DOCKER_CONFIG="+dir, "DOCKER_CONTEXT=tlsbed")
		checkTLSEngine(t, doc, "docker@tlsbed (context tlsbed (DOCKER_CONTEXT))", project)
	})
	t.Run("the context in use under HOME", func(t *testing.T) {
		home := t.TempDir()
		dir := filepath.Join(home, ".docker")
		writeTLSContext(t, dir, "tlsbed", host, certs)
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"tlsbed"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		doc := zeroStatus(t, "HOME="+home)
		checkTLSEngine(t, doc, "docker@tlsbed (context tlsbed (docker context use))", project)
	})
	t.Run("a client certificate the engine does not trust", func(t *testing.T) {
		doc := zeroStatus(t, "DOCKER_HOST="+host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH="+strangerCerts(t, certs))
		if !doc.Demo || doc.DemoReason == nil || !strings.Contains(*doc.DemoReason, "client certificate") ||
			!strings.Contains(*doc.DemoReason, "(cert.pem of DOCKER_CERT_PATH?)") {
			t.Fatalf("demo %v reason %v, want the demo and the certificate to look at", doc.Demo, doc.DemoReason)
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		dir := t.TempDir()
		copyFile(t, filepath.Join(certs, "ca.pem"), filepath.Join(dir, "ca.pem"))
		doc := zeroStatus(t, "DOCKER_HOST="+host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH="+dir)
		want := "cert.pem of DOCKER_CERT_PATH " + filepath.Join(dir, "cert.pem") + ": no such file or directory"
		if !doc.Demo || doc.DemoReason == nil || !strings.Contains(*doc.DemoReason, want) {
			t.Fatalf("demo %v reason %v, want %q", doc.Demo, doc.DemoReason, want)
		}
	})
}

// A config's sources.docker[].tls reaches the engine behind TLS; a client
// certificate it does not trust reads as such with tls.cert_file to look
// at (exit 3: a source could not be reached), and a missing certificate
// file stops opsdeck at tls' line and column (exit 2).
func TestConfigTLSEngine(t *testing.T) {
	t.Parallel()
	host, certs, project := tlsEngine(t)
	write := func(t *testing.T, certDir string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "config.yaml")
		doc := "environment: tls\nsources:\n  docker:\n    - name: vault\n      host: " + host + "\n      tls:\n" +
			"        ca_file: " + filepath.Join(certs, "ca.pem") + "\n" +
			"        cert_file: " + filepath.Join(certDir, "cert.pem") + "\n" +
			"        key_file: " + filepath.Join(certDir, "key.pem") + "\n"
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	status := func(t *testing.T, cfg string) (statusDoc, result) {
		t.Helper()
		r := runOpsdeck(t, nil, "status", "--json", "--config", cfg)
		var doc statusDoc
		if r.code != 2 {
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("status --json: %v\n%s\n%s", err, r.stdout, r.stderr)
			}
		}
		return doc, r
	}

	t.Run("the bed's certificates", func(t *testing.T) {
		doc, r := status(t, write(t, certs))
		if r.code != 0 {
			t.Errorf("exit %d, want 0\n%s", r.code, r.stderr)
		}
		checkTLSEngine(t, doc, "docker@vault", project)
	})
	t.Run("a client certificate the engine does not trust", func(t *testing.T) {
		doc, r := status(t, write(t, strangerCerts(t, certs)))
		if r.code != 3 {
			t.Errorf("exit %d, want 3\n%s", r.code, r.stderr)
		}
		if len(doc.Sources) == 0 || doc.Sources[0].OK || doc.Sources[0].Error == nil ||
			!strings.Contains(*doc.Sources[0].Error, "client certificate") || !strings.Contains(*doc.Sources[0].Error, "(tls.cert_file?)") {
			t.Fatalf("sources %+v, want docker@vault failing on its client certificate, naming tls.cert_file", doc.Sources)
		}
	})
	t.Run("a missing certificate file", func(t *testing.T) {
		dir := t.TempDir()
		cfg := write(t, dir)
		_, r := status(t, cfg)
		want := cfg + ":6:7: docker engine vault: tls.cert_file " + filepath.Join(dir, "cert.pem") + ": no such file or directory"
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Fatalf("exit %d, stderr %q, want 2 and %q", r.code, r.stderr, want)
		}
	})
}
