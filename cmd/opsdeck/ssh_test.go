package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command's host: is a sources.ssh.hosts name or a Host of the ssh
// config; config validate reads the ssh config and says where a name is
// neither, or where its ProxyJump loops.
func TestValidateChecksSSHConfigAliases(t *testing.T) {
	dir := t.TempDir()
	sshConfig := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(sshConfig, []byte("Host app-1\n  HostName 10.0.0.1\nHost loop\n  ProxyJump loop\nHost *\n  User x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := func(host string) string {
		return fmt.Sprintf(`environment: production
projects: [{name: chat, services: [{component: backend}]}]
sources:
  docker: [{host: "unix:///nonexistent.sock"}]
  ssh:
    config_file: %s
actions:
  commands:
    - name: rb
      host: %s
      argv: [./rollback.sh]
`, sshConfig, host)
	}
	if code, _, errOut := runCLI(t, env(nil), "config", "validate", writeConfig(t, body("app-1"))); code != 0 {
		t.Fatalf("alias of the ssh config: exit %d, %s", code, errOut)
	}
	for host, want := range map[string]string{
		"app-9": `:10:13: host "app-9" is neither under sources.ssh.hosts nor a Host in ` + sshConfig,
		"loop":  `:10:13: host "loop": ProxyJump loop: loop → loop`,
	} {
		code, _, errOut := runCLI(t, env(nil), "config", "validate", writeConfig(t, body(host)))
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", host, code, errOut, want)
		}
	}
	// A config_file that is named must exist.
	missing := strings.Replace(body("app-1"), sshConfig, filepath.Join(dir, "nope"), 1)
	if code, _, errOut := runCLI(t, env(nil), "config", "validate", writeConfig(t, missing)); code != 2 || !strings.Contains(errOut, "sources.ssh.config_file") {
		t.Errorf("missing config_file: exit %d, %s", code, errOut)
	}
}
