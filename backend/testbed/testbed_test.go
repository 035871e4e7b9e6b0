package testbed

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadMergesFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("OPSDECK_TESTBED_DIR", dir)
	if err := os.WriteFile(filepath.Join(dir, "env"), []byte("# test bed\nOPSDECK_TB_PROM_URL=http://127.0.0.1:19090\nOPSDECK_TB_SSH_USER='root'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OPSDECK_TB_SSH_USER", "ops")
	t.Setenv("OPSDECK_TB_DOCKER_HOST", "unix:///run/x.sock")
	vals, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if vals[PromURL] != "http://127.0.0.1:19090" || vals[SSHUser] != "ops" || vals[DockerHost] != "unix:///run/x.sock" {
		t.Fatalf("vals %v", vals)
	}
}

func TestLoadFromEnvironmentAlone(t *testing.T) {
	t.Setenv("OPSDECK_TESTBED_DIR", t.TempDir())
	t.Setenv("OPSDECK_TB_DOCKER_HOST", "unix:///run/x.sock")
	vals, err := Load()
	if err != nil || vals[DockerHost] != "unix:///run/x.sock" {
		t.Fatalf("vals %v err %v", vals, err)
	}
}
