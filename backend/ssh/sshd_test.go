package ssh

// Test harness: real OpenSSH sshd processes on loopback with generated
// host and user keys, started once per package on first use.

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	xssh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend/testbed"
)

const sshdPath = "/usr/sbin/sshd"

// key is a generated user key and the file holding its private half.
type key struct {
	file   string
	signer xssh.Signer
}

func (k key) fp() string { return xssh.FingerprintSHA256(k.signer.PublicKey()) }

type sshd struct {
	addr     string
	ed25519  xssh.Signer // host keys
	ecdsa    xssh.Signer
	logFile  string
	cmd      *exec.Cmd
	exitedCh chan struct{}
}

// log returns what sshd has logged so far.
func (s *sshd) log(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(s.logFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// since returns a func giving what sshd logged after this call, so that
// checks see only their own test's lines, also under go test -count=N.
func (s *sshd) since(t testing.TB) func() string {
	from := len(s.log(t))
	return func() string { return s.log(t)[from:] }
}

type bed struct {
	dir        string
	user       string
	knownHosts string // ed25519 keys of a and b
	a, b       *sshd  // b is the jump target in jump tests
	userKey    key    // plain, authorized
	refusalKey key    // plain, authorized, used only where no session may open
	agentKey   key    // authorized, only ever loaded into an agent
	encKey     key    // encrypted with encPass, authorized
	strangerEn key    // encrypted with encPass, NOT authorized
	encPass    []byte
	userCA     xssh.Signer // TrustedUserCAKeys of a and b
}

var (
	bedOnce sync.Once
	theBed  *bed
	bedErr  error
	errSkip = errors.New("sshd not installed")
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theBed != nil {
		theBed.stop()
	}
	os.Exit(code)
}

// need returns the running test bed, starting it on first use. A missing
// sshd fails the test under CI=true and skips it elsewhere.
func need(t testing.TB) *bed {
	t.Helper()
	bedOnce.Do(func() { theBed, bedErr = startBed() })
	if errors.Is(bedErr, errSkip) {
		missing(t, bedErr.Error()+" ("+sshdPath+"; apt-get install openssh-server)")
	}
	if bedErr != nil {
		t.Fatalf("starting sshd: %v", bedErr)
	}
	return theBed
}

func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: required under CI", what)
	}
	t.Skip(what)
}

func startBed() (*bed, error) {
	if _, err := os.Stat(sshdPath); err != nil {
		return nil, fmt.Errorf("%w: %v", errSkip, err)
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // privilege separation dir
		return nil, err
	}
	dir, err := os.MkdirTemp("", "opsdeck-ssh-test-")
	if err != nil {
		return nil, err
	}
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	b := &bed{dir: dir, user: u.Username, encPass: []byte("correct horse battery staple")}
	if b.userKey, err = writeKey(dir, "id_user", nil); err != nil {
		return nil, err
	}
	if b.refusalKey, err = writeKey(dir, "id_refusal", nil); err != nil {
		return nil, err
	}
	if b.agentKey, err = writeKey(dir, "id_agent", nil); err != nil {
		return nil, err
	}
	if b.encKey, err = writeKey(dir, "id_enc", b.encPass); err != nil {
		return nil, err
	}
	if b.strangerEn, err = writeKey(dir, "id_stranger", b.encPass); err != nil {
		return nil, err
	}
	var auth strings.Builder
	for _, k := range []key{b.userKey, b.refusalKey, b.agentKey, b.encKey} {
		auth.Write(xssh.MarshalAuthorizedKey(k.signer.PublicKey()))
	}
	authFile := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authFile, []byte(auth.String()), 0o600); err != nil {
		return nil, err
	}
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	if b.userCA, err = xssh.NewSignerFromKey(caPriv); err != nil {
		return nil, err
	}
	caFile := filepath.Join(dir, "user_ca.pub")
	if err := os.WriteFile(caFile, xssh.MarshalAuthorizedKey(b.userCA.PublicKey()), 0o600); err != nil {
		return nil, err
	}
	if b.a, err = startSSHD(filepath.Join(dir, "a"), authFile, caFile, "DEBUG1"); err != nil {
		return nil, err
	}
	if b.b, err = startSSHD(filepath.Join(dir, "b"), authFile, caFile, "INFO"); err != nil {
		b.stop()
		return nil, err
	}
	b.knownHosts = filepath.Join(dir, "known_hosts")
	kh := khLine(b.a.addr, b.a.ed25519.PublicKey()) + khLine(b.b.addr, b.b.ed25519.PublicKey())
	if err := os.WriteFile(b.knownHosts, []byte(kh), 0o600); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bed) stop() {
	for _, s := range []*sshd{b.a, b.b} {
		if s != nil && s.cmd != nil {
			// The whole process group: per-connection children too.
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.exitedCh
		}
	}
	os.RemoveAll(b.dir)
}

func khLine(addr string, k xssh.PublicKey) string {
	return fmt.Sprintf("%s %s", normalizeAddr(addr), xssh.MarshalAuthorizedKey(k))
}

// normalizeAddr is the known_hosts form of host:port ("[h]:p" unless 22).
func normalizeAddr(addr string) string {
	h, p, _ := net.SplitHostPort(addr)
	if p == "22" {
		return h
	}
	return "[" + h + "]:" + p
}

func writeKey(dir, name string, pass []byte) (key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return key{}, err
	}
	var block *pem.Block
	if pass == nil {
		block, err = xssh.MarshalPrivateKey(priv, name)
	} else {
		block, err = xssh.MarshalPrivateKeyWithPassphrase(priv, name, pass)
	}
	if err != nil {
		return key{}, err
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		return key{}, err
	}
	s, err := xssh.NewSignerFromKey(priv)
	return key{file: file, signer: s}, err
}

func writeHostKey(file string, priv any) (xssh.Signer, error) {
	block, err := xssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	return xssh.NewSignerFromKey(priv)
}

// startSSHD runs sshd -D on a free loopback port with an ed25519 and an
// ECDSA host key. Offering ECDSA matters: x/crypto prefers it to ed25519,
// so every test also exercises HostKeyAlgorithms from known_hosts.
func startSSHD(dir, authFile, caFile, logLevel string) (*sshd, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &sshd{logFile: filepath.Join(dir, "sshd.log")}
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	ecPriv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var err error
	if s.ed25519, err = writeHostKey(filepath.Join(dir, "host_ed25519"), edPriv); err != nil {
		return nil, err
	}
	if s.ecdsa, err = writeHostKey(filepath.Join(dir, "host_ecdsa"), ecPriv); err != nil {
		return nil, err
	}
	var lastErr error
	for try := 0; try < 3; try++ { // the free port may be taken in between
		port, err := testbed.LoopbackPort()
		if err != nil {
			return nil, err
		}
		s.addr = net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
		cfg := filepath.Join(dir, "sshd_config")
		conf := strings.Join([]string{
			"ListenAddress 127.0.0.1",
			fmt.Sprintf("Port %d", port),
			"HostKey " + filepath.Join(dir, "host_ed25519"),
			"HostKey " + filepath.Join(dir, "host_ecdsa"),
			"PidFile " + filepath.Join(dir, "sshd.pid"),
			"AuthorizedKeysFile " + authFile,
			"TrustedUserCAKeys " + caFile,
			"PasswordAuthentication no",
			"KbdInteractiveAuthentication no",
			"PermitRootLogin prohibit-password",
			"StrictModes no",
			"UsePAM no",
			"LogLevel " + logLevel,
			"MaxStartups 100",
			"MaxSessions 50",
			"AllowTcpForwarding yes",
			"",
		}, "\n")
		if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
			return nil, err
		}
		logf, err := os.Create(s.logFile)
		if err != nil {
			return nil, err
		}
		// -E (log to a file) rather than -e: with -e, DEBUG lines of the
		// session child leak into the command's stderr. The same file
		// takes sshd's own stderr; a file, not a pipe, since per-connection
		// children inherit it and a pipe would keep Wait blocked.
		cmd := exec.Command(sshdPath, "-D", "-E", s.logFile, "-f", cfg)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			logf.Close()
			return nil, err
		}
		logf.Close()
		s.cmd = cmd
		s.exitedCh = make(chan struct{})
		go func() { _ = cmd.Wait(); close(s.exitedCh) }()
		if lastErr = waitPort(s.addr, s.exitedCh); lastErr == nil {
			return s, nil
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-s.exitedCh
		log, _ := os.ReadFile(s.logFile)
		lastErr = fmt.Errorf("%v; sshd log:\n%s", lastErr, log)
	}
	return nil, lastErr
}

// waitPort polls until addr accepts and answers with an SSH banner.
// It runs once for all the tests (its error is theirs, no t to fail),
// hence Poll; a sshd that exited ends the wait at once.
func waitPort(addr string, exited <-chan struct{}) error {
	gone := false
	_, ok, _ := testbed.Poll(10*time.Second, func() (bool, string) {
		select {
		case <-exited:
			gone = true
			return true, ""
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return false, ""
		}
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		buf := make([]byte, 4)
		_, err = c.Read(buf)
		c.Close()
		return err == nil && string(buf) == "SSH-", ""
	})
	switch {
	case gone:
		return errors.New("sshd exited")
	case !ok:
		return fmt.Errorf("sshd did not answer on %s", addr)
	}
	return nil
}

// client returns a Client for the bed with the given tweaks, closed at
// the end of the test.
func (b *bed) client(t testing.TB, tweak func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		KnownHosts:    b.knownHosts,
		IdentityFiles: []string{b.userKey.file},
		Getenv:        func(string) string { return "" },
		DialTimeout:   5 * time.Second,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (b *bed) hostA() Host { return Host{Name: "alpha", Addr: b.a.addr, User: b.user} }
func (b *bed) hostB() Host { return Host{Name: "bravo", Addr: b.b.addr, User: b.user} }
