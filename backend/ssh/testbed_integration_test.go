//go:build integration

package ssh

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

// The shared test bed's sshd (scripts/testbed up), reached the way
// cmd/opsdeck will: its known_hosts and key, no agent.
func TestTestbedSSHD(t *testing.T) {
	env := testbed.Need(t, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts)
	testbed.Loopback(t, env[testbed.SSHAddr])
	c, err := NewClient(Config{
		KnownHosts:    env[testbed.SSHKnownHosts],
		IdentityFiles: []string{env[testbed.SSHKey]},
		DialTimeout:   5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := Host{Name: "testbed", Addr: env[testbed.SSHAddr], User: env[testbed.SSHUser]}
	var s sink
	res, err := c.Run(context.Background(), h, Command{Argv: []string{"echo", "it's", "$(up)"}, Timeout: 10 * time.Second}, s.out)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %+v, %v", res, err)
	}
	if got := strings.Join(s.stream("stdout"), "\n"); got != "it's $(up)" {
		t.Errorf("stdout = %q", got)
	}
}
