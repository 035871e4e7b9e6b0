package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TLSFiles are the PEM files of a TLS connection to a tcp:// engine; any
// may be empty (no client certificate, the system's roots).
type TLSFiles struct {
	CA, Cert, Key string
	// From says where the files were found, for the messages that name
	// one: "" for a config's tls (tls.cert_file), else the directory's
	// origin ("DOCKER_CERT_PATH", "context colima": cert.pem of …).
	From string
}

// Endpoint is an engine found the way the docker CLI finds one.
type Endpoint struct {
	Name string    // "local", or the context's name
	Host string    // unix://…, tcp://…, ssh://…
	TLS  *TLSFiles // tcp:// with TLS; nil otherwise
	// Why says where it was found: "DOCKER_HOST", "context colima
	// (DOCKER_CONTEXT)", "context colima (docker context use)", "default
	// socket", "rootless socket".
	Why string
}

// Env is what discovery reads: the environment and the files.
type Env struct {
	Getenv func(string) string
	Home   string
	// Exists reports whether a socket (or any file) is there; nil: os.Stat.
	Exists func(path string) bool
}

// ErrNoEngine is returned by Find when no engine is named or found.
var ErrNoEngine = errors.New("no Docker engine found")

// Find finds the engine the docker CLI would talk to: DOCKER_HOST (with
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), else DOCKER_CONTEXT, else the
// current context of the docker config (~/.docker/config.json, or
// $DOCKER_CONFIG), else the default socket, else the rootless one
// ($XDG_RUNTIME_DIR/docker.sock). A context that is named but cannot be
// read is an error, not a fall-through: the user asked for it.
func Find(e Env) (Endpoint, error) {
	get := e.Getenv
	if h := get("DOCKER_HOST"); h != "" {
		ep := Endpoint{Name: "local", Host: h, Why: "DOCKER_HOST"}
		if get("DOCKER_TLS_VERIFY") != "" || get("DOCKER_CERT_PATH") != "" {
			dir, from := get("DOCKER_CERT_PATH"), "DOCKER_CERT_PATH"
			if dir == "" {
				dir, from = configDir(e), configDir(e) // as the docker CLI: ~/.docker/{ca,cert,key}.pem
			}
			ep.TLS = &TLSFiles{CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem"), From: from}
		}
		return ep, nil
	}
	if name := get("DOCKER_CONTEXT"); name != "" && name != "default" {
		return Context(e, name, "DOCKER_CONTEXT")
	}
	if name, err := currentContext(e); err != nil {
		return Endpoint{}, err
	} else if name != "" && name != "default" {
		return Context(e, name, "docker context use")
	}
	exists := e.Exists
	if exists == nil {
		exists = func(p string) bool { _, err := os.Stat(p); return err == nil }
	}
	if exists(strings.TrimPrefix(DefaultHost, "unix://")) {
		return Endpoint{Name: "local", Host: DefaultHost, Why: "default socket"}, nil
	}
	if rt := get("XDG_RUNTIME_DIR"); rt != "" && exists(filepath.Join(rt, "docker.sock")) {
		return Endpoint{Name: "local", Host: "unix://" + filepath.Join(rt, "docker.sock"), Why: "rootless socket"}, nil
	}
	return Endpoint{}, ErrNoEngine
}

// configDir is the docker CLI's config directory.
func configDir(e Env) string {
	if d := e.Getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	return filepath.Join(e.Home, ".docker")
}

// currentContext is the config file's currentContext, "" when the file
// or the field is missing.
func currentContext(e Env) (string, error) {
	path := filepath.Join(configDir(e), "config.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("docker config %s: %w", path, err)
	}
	var cf struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(b, &cf); err != nil {
		return "", fmt.Errorf("docker config %s: %w", path, err)
	}
	return cf.CurrentContext, nil
}

// Context reads the docker context name (its meta.json under
// contexts/meta/<sha256 of the name>/, and its TLS files under
// contexts/tls/…/docker/ when there are any); why says who named it.
func Context(e Env, name, why string) (Endpoint, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	dir := configDir(e)
	path := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return Endpoint{}, fmt.Errorf("docker context %q (%s): %w", name, why, err)
	}
	var meta struct {
		Name      string `json:"Name"`
		Endpoints map[string]struct {
			Host          string `json:"Host"`
			SkipTLSVerify bool   `json:"SkipTLSVerify"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return Endpoint{}, fmt.Errorf("docker context %q: %s: %w", name, path, err)
	}
	d, ok := meta.Endpoints["docker"]
	if !ok || d.Host == "" {
		return Endpoint{}, fmt.Errorf("docker context %q: %s names no docker endpoint host", name, path)
	}
	if d.SkipTLSVerify {
		return Endpoint{}, fmt.Errorf("docker context %q skips TLS verification: opsdeck does not talk to an engine it cannot verify", name)
	}
	ep := Endpoint{Name: name, Host: d.Host, Why: "context " + name + " (" + why + ")"}
	tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
	if _, err := os.Stat(tlsDir); err == nil {
		ep.TLS = &TLSFiles{From: "context " + name}
		for f, dst := range map[string]*string{"ca.pem": &ep.TLS.CA, "cert.pem": &ep.TLS.Cert, "key.pem": &ep.TLS.Key} {
			if p := filepath.Join(tlsDir, f); fileExists(p) {
				*dst = p
			}
		}
	}
	return ep, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// Ping asks the engine whether it answers (GET /_ping).
func (e *Engine) Ping(ctx context.Context) error {
	if _, err := e.cli.Ping(ctx); err != nil {
		return e.wrap("ping", "", err)
	}
	return nil
}
