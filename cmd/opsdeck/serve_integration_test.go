//go:build integration

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend/testbed"
)

// These tests drive the real OpenSSH client inside tmux against a built
// opsdeck binary serving the demo (simulator) fleet: what an on-call
// engineer types, what their terminal shows.

const paneWait = 20 * time.Second // the machine is shared; polls end early

// needTools skips without tmux/ssh, and fails under CI=true.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s missing under CI (apt-get install tmux openssh-client)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

func sh(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// bed is a built binary, keys and a private tmux server.
type bed struct {
	t         *testing.T
	dir, bin  string
	tmuxSock  string
	keys      map[string]string // name -> private key file
	authKeys  string
	knownHost string
}

func newBed(t *testing.T) *bed {
	needTools(t, "tmux", "ssh", "ssh-keygen")
	b := &bed{t: t, dir: t.TempDir(), keys: map[string]string{}}
	b.bin = filepath.Join(b.dir, "opsdeck")
	sh(t, "go", "build", "-o", b.bin, ".")
	var roster strings.Builder
	for _, k := range []struct{ name, role string }{{"alice", "operator"}, {"bob", "viewer"}, {"eve", ""}} {
		path := filepath.Join(b.dir, k.name)
		sh(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", k.name, "-f", path)
		b.keys[k.name] = path
		if k.role != "" {
			pub, _ := os.ReadFile(path + ".pub")
			fmt.Fprintf(&roster, "# %s\n%s %s %s", k.name, k.role, k.name, pub)
		}
	}
	b.authKeys = filepath.Join(b.dir, "authorized_keys")
	if err := os.WriteFile(b.authKeys, []byte(roster.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	b.tmuxSock = filepath.Join(b.dir, "tmux.sock")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", b.tmuxSock, "kill-server").Run() })
	return b
}

// server is a running `opsdeck serve`.
type server struct {
	cmd    *exec.Cmd
	addr   string
	port   string
	out    *lockedBuffer
	exited chan error
}

var fingerprintRE = regexp.MustCompile(`host key (SHA256:\S+) `)

func (b *bed) serve(idle string) *server {
	t := b.t
	hostKey := filepath.Join(b.dir, "hostkey-"+strings.ReplaceAll(idle, "/", ""))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, b.bin, "serve", "--listen", "127.0.0.1:0", "--host-key", hostKey,
		"--authorized-keys", b.authKeys, "--idle-timeout", idle, "--max-sessions", "4")
	cmd.Env = []string{"HOME=" + b.dir, "PATH=" + os.Getenv("PATH"), "OPSDECK_DEMO=1"} // the demo fleet, whatever engine the machine runs
	s := &server{cmd: cmd, out: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = s.out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(s.out, sc.Text())
		}
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(drainTimeout + 5*time.Second):
			cancel() // kills our own server process
		}
		if t.Failed() {
			t.Logf("server output:\n%s", s.out.String())
		}
	})
	testbed.Eventually(t, paneWait, "the server to listen", func() (bool, string) {
		return listeningRE.MatchString(s.out.String()), s.out.String()
	})
	s.addr = listeningRE.FindStringSubmatch(s.out.String())[1]
	s.port = s.addr[strings.LastIndex(s.addr, ":")+1:]

	// Pin the host key the way an operator would: known_hosts from the
	// key, checked against the fingerprint the server printed.
	pem, err := os.ReadFile(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	b.knownHost = filepath.Join(b.dir, "known_hosts-"+s.port)
	line := fmt.Sprintf("[127.0.0.1]:%s %s", s.port, gossh.MarshalAuthorizedKey(signer.PublicKey()))
	if err := os.WriteFile(b.knownHost, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	printed := fingerprintRE.FindStringSubmatch(s.out.String())
	if printed == nil || !strings.Contains(sh(t, "ssh-keygen", "-lf", b.knownHost), printed[1]) {
		t.Fatalf("printed fingerprint %v is not ssh-keygen's for the host key", printed)
	}
	return s
}

// login opens a tmux session of w x h running a shell that runs ssh with
// key and then prints ssh's exit status.
func (b *bed) login(s *server, session, key string, w, h int) {
	b.t.Helper()
	b.tmux("new-session", "-d", "-s", session, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "sh")
	ssh := fmt.Sprintf("ssh -F /dev/null -p %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=%s "+
		"-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes %s@127.0.0.1; echo EXIT=$?",
		s.port, b.keys[key], b.knownHost, key)
	b.tmux("send-keys", "-t", session, ssh, "Enter")
}

func (b *bed) tmux(args ...string) string {
	b.t.Helper()
	return sh(b.t, "tmux", append([]string{"-S", b.tmuxSock, "-f", "/dev/null"}, args...)...)
}

func (b *bed) press(session string, keys ...string) {
	b.t.Helper()
	b.tmux(append([]string{"send-keys", "-t", session}, keys...)...)
}

func (b *bed) pane(session string) string { return b.tmux("capture-pane", "-p", "-t", session) }

// waitPane polls the pane until it shows want.
func (b *bed) waitPane(session, want string) {
	b.t.Helper()
	testbed.Eventually(b.t, paneWait, fmt.Sprintf("pane %s showing %q", session, want), func() (bool, string) {
		p := b.pane(session)
		return strings.Contains(p, want), "\n" + p
	})
}

func TestServeOverOpenSSH(t *testing.T) {
	b := newBed(t)
	s := b.serve("10m")

	// Operator and viewer at once, each their own size and screen.
	b.login(s, "op", "alice", 100, 30)
	b.login(s, "vw", "bob", 80, 24)
	b.waitPane("op", "opsdeck  production   DEMO")
	b.waitPane("vw", "[read-only]")
	if strings.Contains(b.pane("op"), "[read-only]") {
		t.Fatalf("operator console is read-only:\n%s", b.pane("op"))
	}
	b.press("op", "3")
	b.waitPane("op", "FLEET · ")
	b.press("vw", "2")
	b.waitPane("vw", "SERVICE STATUS")
	if strings.Contains(b.pane("vw"), "FLEET · ") {
		t.Fatal("the operator's key changed the viewer's screen")
	}
	for _, c := range []struct {
		session string
		h       int
	}{{"op", 30}, {"vw", 24}} {
		lines := strings.Split(strings.TrimRight(b.pane(c.session), "\n"), "\n")
		if len(lines) != c.h || !strings.Contains(lines[c.h-1], "q quit") {
			t.Errorf("%s: status bar not on row %d:\n%s", c.session, c.h, b.pane(c.session))
		}
	}
	b.tmux("resize-window", "-t", "vw", "-x", "70", "-y", "20")
	testbed.Eventually(t, paneWait, "the viewer's console to follow the resize", func() (bool, string) {
		lines := strings.Split(strings.TrimRight(b.pane("vw"), "\n"), "\n")
		return len(lines) == 20 && strings.Contains(lines[19], "q quit"), ""
	})

	// A key not in the file gets no session.
	b.login(s, "eve", "eve", 100, 30)
	b.waitPane("eve", "EXIT=255")
	if p := b.pane("eve"); !strings.Contains(p, "Permission denied (publickey)") {
		t.Fatalf("unknown key:\n%s", p)
	}

	// The operator quits with q.
	b.press("op", "q")
	b.waitPane("op", "EXIT=0")
	if strings.Contains(b.pane("op"), "goodbye") {
		t.Fatal("a user who quit was told goodbye")
	}

	// SIGTERM: the viewer still logged in is told goodbye, the server exits 0.
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	b.waitPane("vw", "opsdeck: server shutting down, goodbye")
	b.waitPane("vw", "EXIT=0")
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("server exit: %v\n%s", err, s.out.String())
		}
	case <-time.After(drainTimeout):
		t.Fatal("server still running after SIGTERM")
	}
	s.exited <- nil // for the cleanup
	out := s.out.String()
	// Structured log lines on stderr: who logged in with which key, who was
	// refused; and what it says for people on stdout.
	for _, want := range [][]string{
		{`msg="session start"`, " user=alice role=operator fingerprint=SHA256:", " remote=127.0.0.1:"},
		{`msg="session start"`, " user=bob role=viewer fingerprint=SHA256:"},
		{`level=WARN msg="key refused"`, " fingerprint=SHA256:", ` login=`},
		{"opsdeck serve: stopped"},
	} {
		if !hasLine(out, want...) {
			t.Errorf("server output has no line with %q:\n%s", want, out)
		}
	}
}

func TestServeIdleTimeoutOverOpenSSH(t *testing.T) {
	b := newBed(t)
	s := b.serve("3s")
	b.login(s, "vw", "bob", 100, 30)
	b.waitPane("vw", "[read-only]")
	sent := time.Now() // the server reads the key after this: its 3s start later
	b.press("vw", "2")
	b.waitPane("vw", "SERVICE STATUS")
	b.waitPane("vw", "opsdeck: no input for 3s, goodbye")
	took := time.Since(sent)
	b.waitPane("vw", "EXIT=0")
	if took < 3*time.Second {
		t.Fatalf("idle session ended %s after the last key, before its 3s", took)
	}
	t.Logf("idle session ended %s after the last key (timeout 3s)", took.Round(100*time.Millisecond))
}
