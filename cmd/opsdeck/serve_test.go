package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend/testbed"
)

// lockedBuffer is written by the server goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func clientKey(t *testing.T) (gossh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

// serveEnv is a home with XDG dirs; keys is the authorized-keys file body.
func serveEnv(t *testing.T, keys string, mode os.FileMode) (func(string) string, string) {
	t.Helper()
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "cfg"), "XDG_STATE_HOME": filepath.Join(home, "state")}
	akPath := filepath.Join(vars["XDG_CONFIG_HOME"], "opsdeck", "authorized_keys")
	if err := os.MkdirAll(filepath.Dir(akPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(akPath, []byte(keys), mode); err != nil {
		t.Fatal(err)
	}
	return env(vars), home
}

func TestServeRefusesBadKeysFileWithLine(t *testing.T) {
	_, k := clientKey(t)
	getenv, _ := serveEnv(t, "# roster\noperator alice "+k+"\nadmin bob "+k+"\n", 0o600)
	code, out, errOut := runCLI(t, getenv, "serve", "--listen", "127.0.0.1:0")
	if code != exitUsage || !strings.Contains(errOut, "authorized_keys:3: role \"admin\"") || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestServeRefusesReadableHostKey(t *testing.T) {
	_, k := clientKey(t)
	getenv, home := serveEnv(t, "viewer bob "+k+"\n", 0o600)
	hk := filepath.Join(home, "hostkey")
	if err := os.WriteFile(hk, []byte("whatever"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, getenv, "serve", "--listen", "127.0.0.1:0", "--host-key", hk)
	if code != exitUsage || !strings.Contains(errOut, "chmod 600") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

var listeningRE = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

// The subcommand end to end in-process: default paths under XDG dirs, host
// key generated 0600 with its fingerprint printed, a viewer logs in on the
// demo fleet, and cancelling (what SIGTERM does) says goodbye and exits 0.
func TestServeSubcommand(t *testing.T) {
	viewer, line := clientKey(t)
	getenv, home := serveEnv(t, "viewer bob "+line+"\n", 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	exited := make(chan int, 1)
	go func() {
		exited <- runContext(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--clock", "2026-11-26T12:34:56Z"}, &stdout, &stderr, getenv)
	}()
	testbed.Eventually(t, 10*time.Second, "listening line", func() (bool, string) {
		return listeningRE.MatchString(stdout.String()), stdout.String()
	})
	addr := listeningRE.FindStringSubmatch(stdout.String())[1]

	hkPath := filepath.Join(home, "state", "opsdeck", "ssh_host_ed25519_key")
	st, err := os.Stat(hkPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key at the default path: %v %v", st, err)
	}
	pem, _ := os.ReadFile(hkPath)
	hostSigner, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	if fp := gossh.FingerprintSHA256(hostSigner.PublicKey()); !strings.Contains(stdout.String(), "host key "+fp+" ("+hkPath+", generated now)") {
		t.Fatalf("fingerprint %s not printed: %q", fp, stdout.String())
	}

	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "bob", Auth: []gossh.AuthMethod{gossh.PublicKeys(viewer)},
		HostKeyCallback: gossh.FixedHostKey(hostSigner.PublicKey()), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	s.Stdout = &out
	stdin, _ := s.StdinPipe()
	defer stdin.Close()
	if err := s.RequestPty("xterm-256color", 30, 100, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, 10*time.Second, "the demo overview", func() (bool, string) {
		o := ansi.Strip(out.String())
		return strings.Contains(o, "[read-only]") && strings.Contains(o, "DEMO"), ""
	})
	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Fatalf("exit %d after shutdown; stderr %q", code, stderr.String())
		}
	case <-time.After(drainTimeout):
		t.Fatal("serve did not return after shutdown")
	}
	_ = s.Wait()
	if !strings.Contains(out.String(), "opsdeck: server shutting down, goodbye") {
		t.Fatalf("no goodbye: %q", tail(out.String()))
	}
	if !strings.Contains(stdout.String(), "opsdeck serve: stopped") {
		t.Fatalf("stdout %q\nstderr %q", stdout.String(), stderr.String())
	}
	// The session's start and end are structured lines, on stderr and in
	// the log file alike.
	logged, err := os.ReadFile(filepath.Join(home, "state", "opsdeck", "opsdeck.log"))
	if err != nil {
		t.Fatal(err)
	}
	for name, log := range map[string]string{"stderr": stderr.String(), "log file": string(logged)} {
		for _, want := range [][]string{
			{`level=INFO msg="session start"`, ` user=bob role=viewer fingerprint=SHA256:`, ` remote=127.0.0.1:`},
			{`level=INFO msg="session end"`, ` user=bob fingerprint=SHA256:`},
			{`msg="serve stopped"`},
		} {
			if !hasLine(log, want...) {
				t.Errorf("%s has no line with %q:\n%s", name, want, log)
			}
		}
	}
}

func tail(s string) string { return s[max(0, len(s)-200):] }

// hasLine reports whether some line of log holds every one of parts.
func hasLine(log string, parts ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
