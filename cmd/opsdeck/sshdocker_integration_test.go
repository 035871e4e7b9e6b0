//go:build integration

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/backend/testbed"
)

// TestDockerEngineOverSSH reaches the test bed's dockerd at ssh://…
// through opsdeck's own SSH layer (strict host keys against the bed's
// known_hosts, key auth) and discovers the fleet there.
func TestDockerEngineOverSSH(t *testing.T) {
	tb := testbed.Need(t, testbed.DockerHost, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts)
	testbed.Loopback(t, tb[testbed.SSHAddr])
	sock, ok := strings.CutPrefix(tb[testbed.DockerHost], "unix://")
	if !ok {
		t.Fatalf("the bed's engine is not on a unix socket: %s", tb[testbed.DockerHost])
	}
	cfg := fmt.Sprintf(`environment: ssh-test
projects:
  - name: chat
    services:
      - {component: backend, name: chat-backend}
sources:
  docker:
    - {name: remote, host: "ssh://%s@tb-ssh%s"}
  ssh:
    config_file: none # the test's own hosts only, whatever ~/.ssh/config says
    known_hosts: %s
    identity_files: [%s]
    agent: false
    hosts:
      - {name: tb-ssh, addr: "%s"}
`, tb[testbed.SSHUser], sock, tb[testbed.SSHKnownHosts], tb[testbed.SSHKey], tb[testbed.SSHAddr])
	_, rep, errOut := statusJSON(t, writeConfig(t, cfg))
	for _, src := range rep.Sources {
		if !src.OK {
			t.Fatalf("docker over ssh failed: %s: %s (stderr %q)", src.Name, *src.Error, errOut)
		}
	}
	for _, s := range rep.Services {
		if s.Name == "chat-backend" {
			if s.State == nil || *s.State != "running" || s.Host == nil || *s.Host != "remote" {
				t.Fatalf("chat-backend over ssh: state %v host %v", s.State, s.Host)
			}
			return
		}
	}
	t.Fatalf("chat-backend not discovered over ssh: %+v", rep.Services)
}

// TestDockerOverSSHRefusesUnknownHostKey: the same engine behind a
// known_hosts that lacks the server's key is refused, never reached.
func TestDockerOverSSHRefusesUnknownHostKey(t *testing.T) {
	tb := testbed.Need(t, testbed.DockerHost, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey)
	sock, _ := strings.CutPrefix(tb[testbed.DockerHost], "unix://")
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`environment: ssh-test
projects: [{name: chat, services: [{component: backend}]}]
sources:
  docker: [{name: remote, host: "ssh://%s@tb-ssh%s"}]
  ssh:
    config_file: none # the test's own hosts only, whatever ~/.ssh/config says
    known_hosts: %s
    identity_files: [%s]
    agent: false
    hosts: [{name: tb-ssh, addr: "%s"}]
`, tb[testbed.SSHUser], sock, empty, tb[testbed.SSHKey], tb[testbed.SSHAddr])
	code, rep, _ := statusJSON(t, writeConfig(t, cfg))
	if code != report.ExitUnreachable || rep.Sources[0].OK || rep.Sources[0].Error == nil || !strings.Contains(*rep.Sources[0].Error, "SHA256:") {
		t.Fatalf("exit %d, source %+v: want a refusal showing the offered fingerprint", code, rep.Sources[0])
	}
	t.Logf("refused: %s", *rep.Sources[0].Error)
}
