package initconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/sshconfig"
)

// --ssh-hosts lists each alias of the ssh config (those of an included
// file too; no pattern, no Host *) as backend/sshconfig resolves it:
// HostName, Port, User (Host * included), the ProxyJump chain hop by hop,
// and why one does not resolve. It writes no sources.ssh, and the config
// loads.
func TestSSHHostsAsResolved(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".ssh")
	extra := filepath.Join(t.TempDir(), "extra.conf") // Include takes an absolute path as it is
	files := map[string]string{
		extra: "Host inc-1\n  HostName 10.0.0.8\n  ProxyJump ops@edge.example.net:2200,bastion\n",
		filepath.Join(dir, "config"): `Include ` + extra + `
Host bastion
  HostName bastion.example.net
  User ops
Host db-1 db-1.internal
    HostName=10.0.0.5
    Port = 2222
    ProxyJump bastion
    User root
    User ignored
Host *.internal !skip
  User nobody
Host legacy
  ProxyCommand nc %h %p
Host loop
  ProxyJump loop
Host café
Host *
  User fallback
`,
	}
	for p, body := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f, err := sshconfig.Load(filepath.Join(dir, "config"), home, true)
	if err != nil {
		t.Fatal(err)
	}
	hosts := SSHHosts(&sshconfig.Resolver{File: f, Home: home, LocalUser: "me"})
	var aliases []string
	for _, h := range hosts {
		aliases = append(aliases, h.Alias)
	}
	if got, want := strings.Join(aliases, " "), "inc-1 bastion db-1 db-1.internal legacy loop café"; got != want {
		t.Fatalf("aliases %s, want %s", got, want)
	}
	text := YAML(Found{Environment: "e", Engine: docker.Endpoint{Name: "local", Host: "unix:///x.sock", Why: "default socket"},
		SSH: &SSH{File: "~/.ssh/config", Hosts: hosts}})
	cfg, err := config.Parse("c.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	t.Logf("wrote:\n%s", text)
	if cfg.Sources.SSH != nil {
		t.Errorf("sources.ssh written: %+v\n%s", cfg.Sources.SSH, text)
	}
	for _, want := range []string{
		"  # ~/.ssh/config itself, as ssh does",
		`  #   inc-1          fallback@10.0.0.8:22 via bastion (ops@bastion.example.net:22) via ops@edge.example.net:2200` + "\n",
		"  #   bastion        ops@bastion.example.net:22\n",
		"  #   db-1           root@10.0.0.5:2222 via bastion (ops@bastion.example.net:22)\n",
		"  #   db-1.internal  root@10.0.0.5:2222 via bastion (ops@bastion.example.net:22)\n",
		"  #   legacy         does not resolve: legacy: ProxyCommand is not supported",
		"  #   loop           does not resolve: ProxyJump loop: loop → loop",
		"  #   café           not a host: opsdeck takes",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}

// A missing file, or one that does not parse, is said; still no sources.ssh.
func TestSSHHostsNoFile(t *testing.T) {
	for _, s := range []SSH{{File: "~/.ssh/config", Missing: true}, {File: "~/.ssh/config", Err: fmt.Errorf("ssh config: %w", os.ErrPermission)}} {
		text := YAML(Found{Environment: "e", Engine: docker.Endpoint{Name: "local", Host: "unix:///x.sock", Why: "default socket"}, SSH: &s})
		cfg, err := config.Parse("c.yaml", []byte(text))
		if err != nil || cfg.Sources.SSH != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		want := "# SSH hosts: there is no ~/.ssh/config"
		if s.Err != nil {
			want = "# SSH hosts: not read: ssh config: permission denied"
		}
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}
