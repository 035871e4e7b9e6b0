package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeContext writes a docker context as `docker context create` does.
func writeContext(t *testing.T, dockerDir, name, host string, skipTLS bool, tls bool) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	meta := filepath.Join(dockerDir, "contexts", "meta", id)
	if err := os.MkdirAll(meta, 0o700); err != nil {
		t.Fatal(err)
	}
	skip := "false"
	if skipTLS {
		skip = "true"
	}
	doc := `{"Name":"` + name + `","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":` + skip + `}}}`
	if err := os.WriteFile(filepath.Join(meta, "meta.json"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if tls {
		d := filepath.Join(dockerDir, "contexts", "tls", id, "docker")
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
			if err := os.WriteFile(filepath.Join(d, f), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Find looks where the docker CLI does, in its order.
func TestFindAsTheDockerCLI(t *testing.T) {
	home := t.TempDir()
	dockerDir := filepath.Join(home, ".docker")
	writeContext(t, dockerDir, "colima", "unix:///Users/ana/.colima/default/docker.sock", false, false)
	writeContext(t, dockerDir, "remote", "tcp://127.0.0.1:2376", false, true)
	writeContext(t, dockerDir, "sloppy", "tcp://127.0.0.1:2376", true, false)
	if err := os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(`{"auths":{},"currentContext":"colima"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	sockets := map[string]bool{}
	find := func(env map[string]string) (Endpoint, error) {
		return Find(Env{Getenv: func(k string) string { return env[k] }, Home: home, Exists: func(p string) bool { return sockets[p] }})
	}
	cases := []struct {
		name string
		env  map[string]string
		host string
		why  string
		tls  bool
	}{
		{"DOCKER_HOST wins", map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2375", "DOCKER_CONTEXT": "remote"}, "tcp://127.0.0.1:2375", "DOCKER_HOST", false},
		{"DOCKER_HOST with TLS", map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"}, "tcp://127.0.0.1:2376", "DOCKER_HOST", true},
		{"DOCKER_CONTEXT", map[string]string{"DOCKER_CONTEXT": "remote"}, "tcp://127.0.0.1:2376", "context remote (DOCKER_CONTEXT)", true},
		{"the current context", nil, "unix:///Users/ana/.colima/default/docker.sock", "context colima (docker context use)", false},
	}
	for _, c := range cases {
		ep, err := find(c.env)
		if err != nil || ep.Host != c.host || ep.Why != c.why || (ep.TLS != nil) != c.tls {
			t.Errorf("%s: %+v %v, want %s (%s) tls %v", c.name, ep, err, c.host, c.why, c.tls)
		}
	}
	if ep, _ := find(map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"}); ep.TLS.CA != "/certs/ca.pem" || ep.TLS.Key != "/certs/key.pem" || ep.TLS.From != "DOCKER_CERT_PATH" {
		t.Errorf("TLS files %+v", ep.TLS)
	}
	if ep, _ := find(map[string]string{"DOCKER_CONTEXT": "remote"}); !strings.HasSuffix(ep.TLS.Cert, "/docker/cert.pem") || ep.TLS.From != "context remote" {
		t.Errorf("context TLS files %+v", ep.TLS)
	}
	if _, err := find(map[string]string{"DOCKER_CONTEXT": "nope"}); err == nil || !strings.Contains(err.Error(), `docker context "nope" (DOCKER_CONTEXT)`) {
		t.Errorf("a missing context: %v", err)
	}
	if _, err := find(map[string]string{"DOCKER_CONTEXT": "sloppy"}); err == nil || !strings.Contains(err.Error(), "skips TLS verification") {
		t.Errorf("a context skipping TLS verification: %v", err)
	}

	// No context in use: the default socket, else the rootless one.
	if err := os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(`{"currentContext":"default"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := find(nil); !errors.Is(err, ErrNoEngine) {
		t.Errorf("nothing there: %v", err)
	}
	sockets["/run/user/1000/docker.sock"] = true
	if ep, err := find(map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}); err != nil || ep.Host != "unix:///run/user/1000/docker.sock" || ep.Why != "rootless socket" {
		t.Errorf("rootless: %+v %v", ep, err)
	}
	sockets["/var/run/docker.sock"] = true
	if ep, err := find(map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}); err != nil || ep.Host != DefaultHost || ep.Why != "default socket" {
		t.Errorf("default socket: %+v %v", ep, err)
	}
	// DOCKER_CONFIG moves the whole directory.
	if ep, err := find(map[string]string{"DOCKER_CONFIG": filepath.Join(home, "elsewhere")}); err != nil || ep.Why != "default socket" {
		t.Errorf("DOCKER_CONFIG: %+v %v", ep, err)
	}
}
