package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// opsdeck init writes where opsdeck reads: --output, else --config, else
// $OPSDECK_CONFIG, else the XDG path; with no home at all it asks for
// --output.
func TestInitPath(t *testing.T) {
	cases := []struct {
		output, config string
		env            map[string]string
		want           string
	}{
		{"/o.yaml", "/c.yaml", map[string]string{"OPSDECK_CONFIG": "/e.yaml"}, "/o.yaml"},
		{"", "/c.yaml", map[string]string{"OPSDECK_CONFIG": "/e.yaml"}, "/c.yaml"},
		{"", "", map[string]string{"OPSDECK_CONFIG": "/e.yaml", "HOME": "/home/ana"}, "/e.yaml"},
		{"", "", map[string]string{"HOME": "/home/ana"}, "/home/ana/.config/opsdeck/config.yaml"},
		{"", "", map[string]string{"HOME": "/home/ana", "XDG_CONFIG_HOME": "/xdg"}, "/xdg/opsdeck/config.yaml"},
		{"-", "", nil, "-"},
	}
	for _, c := range cases {
		cl := &cli{getenv: env(c.env)}
		cl.f.config = c.config
		if got, err := cl.initPath(c.output); err != nil || got != c.want {
			t.Errorf("%+v: %q %v, want %q", c, got, err, c.want)
		}
	}
	if _, err := (&cli{getenv: env(nil)}).initPath(""); err == nil || !strings.Contains(err.Error(), "give --output") {
		t.Errorf("no home: %v", err)
	}
}

// An existing file is refused before anything is looked at, with exit 2
// and the file as it was; a bad URL flag is a usage error.
func TestInitRefusesToOverwrite(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".config", "opsdeck", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// An engine that is not there: were it asked, the exit would be 3.
	getenv := env(map[string]string{"HOME": home, "DOCKER_HOST": "unix://" + filepath.Join(home, "none.sock")})
	code, _, stderr := runCLI(t, getenv, "init")
	if code != exitUsage || !strings.Contains(stderr, path+" already exists") || !strings.Contains(stderr, "--force") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine\n" {
		t.Errorf("the file was touched: %q", b)
	}
	code, _, stderr = runCLI(t, getenv, "init", "--force")
	if code != exitUnreachable || !strings.Contains(stderr, "does not answer") {
		t.Errorf("--force, no engine: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine\n" {
		t.Errorf("the file was touched without an engine: %q", b)
	}
	code, _, stderr = runCLI(t, getenv, "init", "--output", "-", "--prometheus", "prometheus:9090")
	if code != exitUsage || !strings.Contains(stderr, "want an http:// or https:// URL") {
		t.Errorf("bad --prometheus: exit %d, stderr %q", code, stderr)
	}
}

// --force replaces a file whole, never leaving a temporary file behind;
// without it a file that is there is kept.
func TestWriteInitConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	path := filepath.Join(dir, "config.yaml")
	if err := writeInitConfig(path, []byte("one\n"), false); err != nil {
		t.Fatal(err)
	}
	if err := writeInitConfig(path, []byte("two\n"), false); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("no --force: %v", err)
	}
	if err := writeInitConfig(path, []byte("three\n"), true); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	fi, _ := os.Stat(path)
	if string(b) != "three\n" || len(entries) != 1 || fi.Mode().Perm() != 0o600 {
		t.Errorf("%q, %d entries, mode %v", b, len(entries), fi.Mode())
	}
}
