package ssh

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/testbed"
)

// startAgent runs a real ssh-agent on a socket of its own holding key k.
func startAgent(t *testing.T, k key) string {
	t.Helper()
	for _, bin := range []string{"ssh-agent", "ssh-add"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing(t, bin+" not installed (apt-get install openssh-client)")
		}
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	agent.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = agent.Process.Kill(); _ = agent.Wait() })
	testbed.Eventually(t, 5*time.Second, "ssh-agent creating its socket", func() (bool, string) {
		_, err := os.Stat(sock)
		return err == nil, fmt.Sprint(err)
	})
	add := exec.Command("ssh-add", k.file)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v: %s", err, out)
	}
	return sock
}

func TestAgentAuth(t *testing.T) {
	b := need(t)
	t.Parallel()
	sock := startAgent(t, b.agentKey)
	logA := b.a.since(t)
	c := b.client(t, func(c *Config) {
		c.IdentityFiles = nil // the agent's key is the only one
		c.UseAgent = true
		c.Getenv = func(k string) string {
			if k == "SSH_AUTH_SOCK" {
				return sock
			}
			return ""
		}
	})
	var s sink
	res, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"id", "-un"}}, s.out)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %+v, %v", res, err)
	}
	if got := strings.Join(s.stream("stdout"), ""); got != b.user {
		t.Errorf("id -un = %q, want %q", got, b.user)
	}
	testbed.Eventually(t, 2*time.Second, "sshd logging the agent's key as the accepted one", func() (bool, string) {
		return strings.Contains(logA(), b.agentKey.fp()), ""
	})
}

func TestAgentMissingIsExplained(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, func(c *Config) {
		c.IdentityFiles = nil
		c.UseAgent = true
	})
	_, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "SSH_AUTH_SOCK is not set") || !strings.Contains(err.Error(), "alpha") {
		t.Fatalf("err = %v, want an auth failure naming alpha and the missing agent", err)
	}
}

// prompter is a Passphrase hook that records which files it was asked for.
type prompter struct {
	mu    sync.Mutex
	asked []string
	pass  []byte
}

func (p *prompter) hook(file string) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, filepath.Base(file))
	return append([]byte(nil), p.pass...), nil // the client wipes what it gets
}

func TestEncryptedKeyWithPassphrase(t *testing.T) {
	b := need(t)
	t.Parallel()
	p := &prompter{pass: b.encPass}
	// The stranger key is encrypted too but not authorized: the server
	// turns its public half down, so its passphrase is never asked for.
	c := b.client(t, func(c *Config) {
		c.IdentityFiles = []string{b.strangerEn.file, b.encKey.file}
		c.Passphrase = p.hook
	})
	for i := 0; i < 2; i++ {
		res, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil)
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("Run %d: %+v, %v", i, res, err)
		}
	}
	c.Close() // a fresh connection must not prompt again either
	c2 := b.client(t, func(c *Config) {
		c.IdentityFiles = []string{b.encKey.file}
		c.Passphrase = p.hook
	})
	if _, err := c2.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if strings.Join(p.asked, ",") != "id_enc,id_enc" {
		t.Errorf("passphrase asked for %v, want id_enc once per client", p.asked)
	}
}

func TestEncryptedKeyErrors(t *testing.T) {
	b := need(t)
	t.Parallel()
	t.Run("no hook", func(t *testing.T) {
		c := b.client(t, func(c *Config) { c.IdentityFiles = []string{b.encKey.file} })
		_, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil)
		if err == nil || !strings.Contains(err.Error(), b.encKey.file+" is encrypted and no Passphrase hook is set") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong passphrase", func(t *testing.T) {
		wrong := "hunter2-not-it"
		c := b.client(t, func(c *Config) {
			c.IdentityFiles = []string{b.encKey.file}
			c.Passphrase = func(string) ([]byte, error) { return []byte(wrong), nil }
		})
		_, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil)
		if err == nil || !strings.Contains(err.Error(), "incorrect passphrase") || !strings.Contains(err.Error(), "alpha") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), wrong) {
			t.Fatalf("error leaks the passphrase: %v", err)
		}
	})
	t.Run("prompt cancelled", func(t *testing.T) {
		c := b.client(t, func(c *Config) {
			c.IdentityFiles = []string{b.encKey.file}
			c.Passphrase = func(string) ([]byte, error) { return nil, errors.New("cancelled by user") }
		})
		_, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil)
		if err == nil || !strings.Contains(err.Error(), "cancelled by user") {
			t.Fatalf("err = %v", err)
		}
	})
}

// A human at a prompt is slower than DialTimeout: the handshake deadline
// waits for the prompt.
func TestSlowPassphrasePromptDoesNotTimeOut(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, func(c *Config) {
		c.IdentityFiles = []string{b.encKey.file}
		c.DialTimeout = 300 * time.Millisecond
		c.Passphrase = func(string) ([]byte, error) {
			time.Sleep(time.Second)
			return append([]byte(nil), b.encPass...), nil
		}
	})
	if _, err := c.Run(context.Background(), b.hostA(), Command{Argv: []string{"true"}}, nil); err != nil {
		t.Fatalf("Run: %v", err)
	}
}
