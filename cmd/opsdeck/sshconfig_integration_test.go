//go:build integration

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/testbed"
)

// A command whose host: is an alias of the ssh config (sources.ssh names
// the file, nothing else) runs on the test bed's sshd through the jump
// host the alias's ProxyJump names.
func TestCommandOnAnSSHConfigAlias(t *testing.T) {
	tb := testbed.Need(t, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts,
		testbed.SSHJumpAddr, testbed.SSHJumpKnownHosts, testbed.SSHJumpLog)
	dir := t.TempDir()
	th, tp, _ := net.SplitHostPort(tb[testbed.SSHAddr])
	jh, jp, _ := net.SplitHostPort(tb[testbed.SSHJumpAddr])
	sshConfig := filepath.Join(dir, "ssh_config")
	body := fmt.Sprintf(`Host tb-target
  HostName %s
  Port %s
  UserKnownHostsFile %s
  ProxyJump tb-jump
Host tb-jump
  HostName %s
  Port %s
  UserKnownHostsFile %s
Host tb-*
  User %s
  IdentityFile %s
`, th, tp, tb[testbed.SSHKnownHosts], jh, jp, tb[testbed.SSHJumpKnownHosts], tb[testbed.SSHUser], tb[testbed.SSHKey])
	if err := os.WriteFile(sshConfig, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(writeConfig(t, fmt.Sprintf(`environment: ssh-config
projects: [{name: chat, services: [{component: backend}]}]
sources:
  docker: [{host: "unix:///nonexistent.sock"}]
  ssh:
    config_file: %s
    agent: false
actions:
  commands:
    - {name: where, host: tb-target, argv: [sh, -c, 'echo "$SSH_CONNECTION"'], destructive: false}
`, sshConfig)))
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, getenv: func(k string) string {
		if k == "HOME" {
			return dir // no real ~/.ssh
		}
		return ""
	}}
	defer a.close()
	ex := map[backend.ActionKind]backend.ActionExecutor{}
	if _, err := a.sshExecutors(ex); err != nil {
		t.Fatal(err)
	}
	cx := ex[backend.ActKindCommand]
	log := since(t, tb[testbed.SSHJumpLog])
	act := backend.Action{ID: "t1", Kind: backend.ActKindCommand, Target: "where"}
	p, err := cx.Plan(context.Background(), act)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := cx.Execute(context.Background(), p, func(l backend.OutputLine) {
		if l.Stream == "stdout" {
			out = append(out, l.Text)
		}
	}); err != nil {
		t.Fatalf("command on tb-target: %v", err)
	}
	if len(out) != 1 || !strings.HasSuffix(out[0], " "+tp) {
		t.Fatalf("stdout %q: want the target's SSH_CONNECTION", out)
	}
	testbed.Eventually(t, 5e9, "the jump host logging the hop", func() (bool, string) {
		l := log()
		return strings.Contains(l, "server_request_direct_tcpip") && strings.Contains(l, "port "+tp), l
	})
}

// since returns a func giving what file gained after this call.
func since(t *testing.T, file string) func() string {
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	from := fi.Size()
	return func() string {
		data, err := os.ReadFile(file)
		if err != nil || int64(len(data)) < from {
			return ""
		}
		return string(data[from:])
	}
}
