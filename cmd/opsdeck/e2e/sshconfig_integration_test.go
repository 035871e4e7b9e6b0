//go:build unix && integration

package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

// The built binary reaches the test bed's Docker engine at ssh://tb-docker,
// an alias of ~/.ssh/config behind a ProxyJump, with no sources.ssh in its
// config at all: HostName, Port, User, IdentityFile, UserKnownHostsFile
// and ProxyJump come from the file, and the jump host logs the hop. The
// same alias whose file says StrictHostKeyChecking no but whose known_hosts
// lacks the key is refused, saying so.
func TestStatusThroughSSHConfigAlias(t *testing.T) {
	t.Parallel()
	env := testbed.Need(t, testbed.DockerHost, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts,
		testbed.SSHJumpAddr, testbed.SSHJumpKnownHosts, testbed.SSHJumpLog)
	sock, ok := strings.CutPrefix(env[testbed.DockerHost], "unix://")
	if !ok {
		t.Fatalf("the bed's engine is not on a unix socket: %s", env[testbed.DockerHost])
	}
	th, tp, _ := net.SplitHostPort(env[testbed.SSHAddr])
	jh, jp, _ := net.SplitHostPort(env[testbed.SSHJumpAddr])
	for _, c := range []struct {
		name, extra, want string
		ok                bool
	}{
		{"through the jump host", "UserKnownHostsFile " + env[testbed.SSHKnownHosts], "", true},
		{"StrictHostKeyChecking no", "UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no",
			"~/.ssh/config says StrictHostKeyChecking no for alias tb-docker; opsdeck always checks host keys", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
				t.Fatal(err)
			}
			sshConfig := fmt.Sprintf(`Host tb-docker
  HostName %s
  Port %s
  ProxyJump tb-jump
  %s

Host tb-jump
  HostName %s
  Port %s
  UserKnownHostsFile %s

Host tb-*
  User %s
  IdentityFile %s
`, th, tp, c.extra, jh, jp, env[testbed.SSHJumpKnownHosts], env[testbed.SSHUser], env[testbed.SSHKey])
			if err := os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(sshConfig), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(home, "opsdeck.yaml")
			body := fmt.Sprintf(`environment: ssh-config
projects:
  - name: chat
    services: [{component: backend, name: chat-backend}]
sources:
  docker:
    - {name: remote, host: "ssh://tb-docker%s"}
`, sock)
			if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			log := grown(t, env[testbed.SSHJumpLog])
			r := runOpsdeck(t, []string{"HOME=" + home, "OPSDECK_DEMO=", "SSH_AUTH_SOCK="}, "status", "--json", "--config", cfg)
			var doc struct {
				Sources []struct {
					Name  string  `json:"name"`
					OK    bool    `json:"ok"`
					Error *string `json:"error"`
				} `json:"sources"`
				Services []struct {
					Name  string  `json:"name"`
					State *string `json:"state"`
				} `json:"services"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("exit %d, not JSON: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
			}
			if len(doc.Sources) == 0 {
				t.Fatalf("no sources (stderr %s)", r.stderr)
			}
			for _, src := range doc.Sources { // the engine and its stats
				if c.ok && (!src.OK || r.code != 0) {
					t.Fatalf("exit %d, source %+v (stderr %s)", r.code, src, r.stderr)
				}
				if !c.ok && (src.OK || src.Error == nil || !strings.Contains(*src.Error, c.want) || !strings.Contains(*src.Error, "host key for")) {
					t.Fatalf("exit %d, source %+v: want a host key refusal saying %q", r.code, src, c.want)
				}
			}
			if !c.ok {
				t.Logf("refused: %s", *doc.Sources[0].Error)
				return
			}
			found := false
			for _, s := range doc.Services {
				found = found || (s.Name == "chat-backend" && s.State != nil && *s.State == "running")
			}
			if !found {
				t.Fatalf("chat-backend not running over ssh://tb-docker: %+v", doc.Services)
			}
			testbed.Eventually(t, 5*time.Second, "the jump host logging the hop to the target", func() (bool, string) {
				l := log()
				return strings.Contains(l, "server_request_direct_tcpip") && strings.Contains(l, "port "+tp), l
			})
		})
	}
}

// grown returns a func giving what file gained after this call.
func grown(t *testing.T, file string) func() string {
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
