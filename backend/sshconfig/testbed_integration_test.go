//go:build integration

package sshconfig

// The test bed's two sshds (scripts/testbed up) reached through an
// ssh_config file the way cmd/opsdeck reaches them: a Resolver on the
// file, a backend/ssh Client with no known_hosts or keys of its own.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/testbed"
)

type bed struct {
	env  map[string]string
	home string
}

func needBed(t *testing.T) bed {
	t.Helper()
	env := testbed.Need(t, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts,
		testbed.SSHJumpAddr, testbed.SSHJumpKnownHosts, testbed.SSHJumpLog, testbed.SSHJumpPIDFile, testbed.SSHUserCA)
	testbed.Loopback(t, env[testbed.SSHAddr])
	testbed.Loopback(t, env[testbed.SSHJumpAddr])
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ssh-keygen missing under CI")
		}
		t.Skip("ssh-keygen not installed")
	}
	return bed{env: env, home: t.TempDir()}
}

// hostPort splits a test bed address for HostName and Port lines.
func (b bed) hostPort(t *testing.T, key string) (string, string) {
	host, port, err := net.SplitHostPort(b.env[key])
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// config writes the ssh config: the jump host as tb-jump and the first
// sshd as tb-target behind it, then extra.
func (b bed) config(t *testing.T, extra string) *Resolver {
	t.Helper()
	jh, jp := b.hostPort(t, testbed.SSHJumpAddr)
	th, tp := b.hostPort(t, testbed.SSHAddr)
	body := fmt.Sprintf(`Host tb-jump
  HostName %s
  Port %s
  UserKnownHostsFile %s

Host tb-target
  HostName %s
  Port %s
  UserKnownHostsFile %s
  ProxyJump tb-jump

Host tb-direct
  HostName %s
  Port %s
  UserKnownHostsFile %s
%s
Host *
  User %s
  IdentityFile %s
  IdentitiesOnly yes
`, jh, jp, b.env[testbed.SSHJumpKnownHosts], th, tp, b.env[testbed.SSHKnownHosts],
		th, tp, b.env[testbed.SSHKnownHosts], extra, b.env[testbed.SSHUser], b.env[testbed.SSHKey])
	p := filepath.Join(b.home, ".ssh", "config")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p, b.home, true)
	if err != nil {
		t.Fatal(err)
	}
	return &Resolver{File: f, Home: b.home, LocalUser: "nobody"}
}

func client(t *testing.T) *ssh.Client {
	t.Helper()
	c, err := ssh.NewClient(ssh.Config{Getenv: func(string) string { return "" }, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// run resolves alias and runs argv there, returning stdout.
func run(t *testing.T, c *ssh.Client, r *Resolver, alias string, argv ...string) (string, error) {
	t.Helper()
	h, err := r.Resolve(alias, "", "")
	if err != nil {
		t.Fatalf("resolve %s: %v", alias, err)
	}
	var out []string
	res, err := c.Run(context.Background(), h, ssh.Command{Argv: argv, Timeout: 15 * time.Second}, func(l ssh.Line) {
		if l.Stream == "stdout" {
			out = append(out, l.Text)
		}
	})
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("exit %d", res.ExitCode)
	}
	return strings.Join(out, "\n"), err
}

// The target is reached through the jump host: the TCP connection it
// sees its client on ($SSH_CONNECTION) belongs to a process of the jump
// sshd, and the jump host logged the forwarding. Reached directly, the
// same connection is this test's own.
func TestProxyJumpThroughTheJumpHost(t *testing.T) {
	b := needBed(t)
	r := b.config(t, "")
	_, targetPort := b.hostPort(t, testbed.SSHAddr)
	log := since(t, b.env[testbed.SSHJumpLog])
	jumpPID := readPID(t, b.env[testbed.SSHJumpPIDFile])

	c := client(t) // open until the end: the pooled connections stay up
	conn, err := run(t, c, r, "tb-target", "sh", "-c", `echo "$SSH_CONNECTION"`)
	if err != nil {
		t.Fatalf("through the jump host: %v", err)
	}
	owner := socketOwner(t, clientPort(t, conn), targetPort)
	if !descends(owner, jumpPID) {
		t.Fatalf("the target's client connection (%s) belongs to pid %d, not to the jump sshd (pid %d)", conn, owner, jumpPID)
	}
	testbed.Eventually(t, 5*time.Second, "the jump host logging the forwarding", func() (bool, string) {
		l := log()
		return strings.Contains(l, "server_request_direct_tcpip") && strings.Contains(l, "port "+targetPort), lastLines(l, 5)
	})

	conn, err = run(t, c, r, "tb-direct", "sh", "-c", `echo "$SSH_CONNECTION"`)
	if err != nil {
		t.Fatalf("directly: %v", err)
	}
	if owner := socketOwner(t, clientPort(t, conn), targetPort); owner != os.Getpid() {
		t.Fatalf("the direct connection belongs to pid %d, not this test (%d): the check above proves nothing", owner, os.Getpid())
	}
}

// StrictHostKeyChecking no (or accept-new) in the file is not honoured:
// an unknown key is refused, also behind the jump host, and so is a
// changed one, each refusal saying what the file says.
func TestStrictHostKeyCheckingNoIsRefused(t *testing.T) {
	b := needBed(t)
	empty := filepath.Join(b.home, "known_hosts_empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	th, tp := b.hostPort(t, testbed.SSHAddr)
	wrong := filepath.Join(b.home, "known_hosts_wrong")
	line := fmt.Sprintf("[%s]:%s ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAXr6qsvH7JCMZCTw9LDrJtYwbwqsExj2UX3WM0hk7Hs\n", th, tp)
	if err := os.WriteFile(wrong, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	r := b.config(t, fmt.Sprintf(`
Host tb-lax
  HostName %[1]s
  Port %[2]s
  StrictHostKeyChecking no
  UserKnownHostsFile %[3]s

Host tb-lax-behind
  HostName %[1]s
  Port %[2]s
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  ProxyJump tb-jump

Host tb-changed
  HostName %[1]s
  Port %[2]s
  StrictHostKeyChecking accept-new
  UserKnownHostsFile %[4]s
`, th, tp, empty, wrong))
	c := client(t)
	for alias, want := range map[string]struct {
		mismatch bool
		word     string
	}{
		"tb-lax":        {false, "no"},
		"tb-lax-behind": {false, "no"},
		"tb-changed":    {true, "accept-new"},
	} {
		_, err := run(t, c, r, alias, "true")
		var hk *ssh.HostKeyError
		note := fmt.Sprintf("~/.ssh/config says StrictHostKeyChecking %s for alias %s; opsdeck always checks host keys", want.word, alias)
		if !errors.As(err, &hk) || hk.Mismatch() != want.mismatch || !strings.Contains(err.Error(), note) {
			t.Errorf("%s: err = %v, want a refusal saying %q", alias, err, note)
		}
	}
}

// A hashed known_hosts (ssh-keygen -H: |1|salt|hash, no host names in
// the clear) is accepted.
func TestHashedKnownHostsAccepted(t *testing.T) {
	b := needBed(t)
	hashed := filepath.Join(b.home, "known_hosts_hashed")
	data, err := os.ReadFile(b.env[testbed.SSHKnownHosts])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hashed, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ssh-keygen", "-H", "-f", hashed).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v: %s", err, out)
	}
	data, _ = os.ReadFile(hashed)
	th, tp := b.hostPort(t, testbed.SSHAddr)
	if !strings.HasPrefix(string(data), "|1|") || strings.Contains(string(data), th) {
		t.Fatalf("not hashed: %s", data)
	}
	r := b.config(t, fmt.Sprintf("\nHost tb-hashed\n  HostName %s\n  Port %s\n  UserKnownHostsFile %s\n", th, tp, hashed))
	if out, err := run(t, client(t), r, "tb-hashed", "echo", "hashed ok"); err != nil || out != "hashed ok" {
		t.Fatalf("hashed known_hosts: %q, %v", out, err)
	}
}

// A user certificate signed (ssh-keygen -s) by the CA the jump host
// trusts is offered and accepted for a key the host does not authorise;
// without it the same key is refused.
func TestUserCertificateAccepted(t *testing.T) {
	b := needBed(t)
	key := filepath.Join(b.home, "id_certified")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "opsdeck-cert-test", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	jh, jp := b.hostPort(t, testbed.SSHJumpAddr)
	r := b.config(t, fmt.Sprintf(`
Host tb-jump-cert
  HostName %s
  Port %s
  User %s
  UserKnownHostsFile %s
  IdentityFile %s
`, jh, jp, b.env[testbed.SSHUser], b.env[testbed.SSHJumpKnownHosts], key))
	h, _ := r.Resolve("tb-jump-cert", "", "")
	if h.IdentityFiles[0] != key {
		t.Fatalf("identity files %v: the certified key is not the first", h.IdentityFiles)
	}
	// Only the certified key: the bed's own key (from Host *) must not
	// be what gets in.
	h.IdentityFiles = h.IdentityFiles[:1]
	c := client(t)
	if _, err := c.Run(context.Background(), h, ssh.Command{Argv: []string{"true"}}, nil); err == nil {
		t.Fatal("the uncertified key got in: the test proves nothing")
	}
	id := fmt.Sprintf("opsdeck-test-%d", time.Now().UnixNano())
	if out, err := exec.Command("ssh-keygen", "-q", "-s", b.env[testbed.SSHUserCA], "-I", id, "-n", b.env[testbed.SSHUser],
		"-V", "-5m:+1h", key+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s: %v: %s", err, out)
	}
	log := since(t, b.env[testbed.SSHJumpLog])
	c = client(t)
	var out []string
	_, err := c.Run(context.Background(), h, ssh.Command{Argv: []string{"echo", "certified"}}, func(l ssh.Line) { out = append(out, l.Text) })
	if err != nil || strings.Join(out, "") != "certified" {
		t.Fatalf("with %s-cert.pub: %q, %v", key, out, err)
	}
	testbed.Eventually(t, 5*time.Second, "the jump host logging the certificate", func() (bool, string) {
		l := log()
		return strings.Contains(l, `Accepted certificate ID "`+id+`"`), lastLines(l, 5)
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

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func readPID(t *testing.T, file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// clientPort is the client's port of $SSH_CONNECTION ("ip port ip port").
func clientPort(t *testing.T, conn string) string {
	f := strings.Fields(conn)
	if len(f) != 4 {
		t.Fatalf("SSH_CONNECTION = %q", conn)
	}
	return f[1]
}

// socketOwner is the pid holding the loopback TCP socket from port
// local to port remote (this machine is both ends).
func socketOwner(t *testing.T, local, remote string) int {
	t.Helper()
	lp, _ := strconv.Atoi(local)
	rp, _ := strconv.Atoi(remote)
	inode := ""
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 10 {
			continue
		}
		if strings.HasSuffix(fs[1], fmt.Sprintf(":%04X", lp)) && strings.HasSuffix(fs[2], fmt.Sprintf(":%04X", rp)) {
			inode = fs[9]
		}
	}
	if inode == "" {
		t.Fatalf("no TCP socket from port %s to port %s", local, remote)
	}
	want := "socket:[" + inode + "]"
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range procs {
		if l, err := os.Readlink(fd); err == nil && l == want {
			pid, _ := strconv.Atoi(strings.Split(fd, "/")[2])
			return pid
		}
	}
	t.Fatalf("no process holds %s", want)
	return 0
}

// descends reports whether pid is ancestor or one of its descendants.
func descends(pid, ancestor int) bool {
	for i := 0; pid > 1 && i < 64; i++ {
		if pid == ancestor {
			return true
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// pid (comm) state ppid …; comm may hold spaces.
		rest := string(data[strings.LastIndexByte(string(data), ')')+1:])
		f := strings.Fields(rest)
		if len(f) < 2 {
			return false
		}
		pid, _ = strconv.Atoi(f[1])
	}
	return false
}
