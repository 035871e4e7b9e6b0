package ssh

// The per-host settings an ssh_config file gives (Host.KnownHosts,
// IdentityFiles, CertificateFiles, IdentitiesOnly, HostKeyNote), against
// the real sshd of the package's bed.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xssh "golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// noKeysClient has no identity files and no agent of its own: only the
// host's settings can authenticate.
func noKeysClient(t *testing.T, b *bed) *Client {
	return b.client(t, func(c *Config) { c.IdentityFiles = nil })
}

func runTrue(c *Client, h Host) error {
	_, err := c.Run(context.Background(), h, Command{Argv: []string{"true"}}, nil)
	return err
}

// A host's own known_hosts files replace the Client's: a missing one is
// skipped, and a hashed entry (|1|salt|hash) is found.
func TestHostKnownHostsHashedAndMissingSkipped(t *testing.T) {
	b := need(t)
	t.Parallel()
	dir := t.TempDir()
	hashed := filepath.Join(dir, "known_hosts_hashed")
	line := xknownhosts.Line([]string{xknownhosts.HashHostname(xknownhosts.Normalize(b.a.addr))}, b.a.ed25519.PublicKey())
	if !strings.HasPrefix(line, "|1|") {
		t.Fatalf("not a hashed line: %s", line)
	}
	if err := os.WriteFile(hashed, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := writeTemp(t, "known_hosts", "")
	c := b.client(t, func(c *Config) { c.KnownHosts = empty }) // the Client's own knows nothing
	h := b.hostA()
	h.KnownHosts = []string{filepath.Join(dir, "missing"), hashed}
	if err := runTrue(c, h); err != nil {
		t.Fatalf("hashed entry: %v", err)
	}
	// The Client's own file still decides for hosts without their own.
	var hk *HostKeyError
	if err := runTrue(c, b.hostA()); !errors.As(err, &hk) || !hk.Unknown() {
		t.Fatalf("host without KnownHosts: err = %v, want unknown in the Client's file", err)
	}
	h.KnownHosts = []string{filepath.Join(dir, "missing"), filepath.Join(dir, "missing2")}
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), "none of") {
		t.Fatalf("all known_hosts missing: err = %v", err)
	}
}

// What the file says about host keys is not honoured, and the refusal
// says so.
func TestHostKeyNoteInRefusal(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := b.client(t, nil)
	h := b.hostA()
	h.KnownHosts = []string{writeTemp(t, "known_hosts", "")}
	h.HostKeyNote = "cfg says StrictHostKeyChecking no for alias alpha; opsdeck always checks host keys"
	err := runTrue(c, h)
	var hk *HostKeyError
	if !errors.As(err, &hk) || !hk.Unknown() || !strings.HasSuffix(err.Error(), "; "+h.HostKeyNote) {
		t.Fatalf("err = %v", err)
	}
}

// A host's identity files: a missing one is skipped and named when
// authentication fails; a file that is no key is an error naming it.
func TestHostIdentityFiles(t *testing.T) {
	b := need(t)
	t.Parallel()
	c := noKeysClient(t, b)
	missing := filepath.Join(t.TempDir(), "id_gone")
	h := b.hostA()
	h.IdentityFiles = []string{missing, b.userKey.file}
	if err := runTrue(c, h); err != nil {
		t.Fatalf("missing + good identity: %v", err)
	}
	h = b.hostB()
	h.IdentityFiles = []string{missing}
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), missing+": no such file") {
		t.Fatalf("only a missing identity: err = %v", err)
	}
	bad := writeTemp(t, "id_bad", "not a key\n")
	h.IdentityFiles = []string{bad}
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), "identity file "+bad) || strings.Contains(err.Error(), "not a key") {
		t.Fatalf("unparsable identity: err = %v", err)
	}
	h.IdentityFiles = []string{t.TempDir()} // a directory cannot be read
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), "identity file") {
		t.Fatalf("unreadable identity: err = %v", err)
	}
}

// IdentitiesOnly: the agent's key is not offered when it is not one of
// the identity files.
func TestHostIdentitiesOnly(t *testing.T) {
	b := need(t)
	sock := startAgent(t, b.agentKey)
	c := b.client(t, func(c *Config) {
		c.IdentityFiles, c.UseAgent = nil, true
		c.Getenv = func(k string) string {
			if k == "SSH_AUTH_SOCK" {
				return sock
			}
			return ""
		}
	})
	stranger, err := writeKey(t.TempDir(), "id_stranger_plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	h := b.hostA()
	h.IdentityFiles = []string{stranger.file}
	if err := runTrue(c, h); err != nil {
		t.Fatalf("agent key without IdentitiesOnly: %v", err)
	}
	h = b.hostB() // another connection
	h.IdentityFiles, h.IdentitiesOnly = []string{stranger.file}, true
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), "1 keys not offered (IdentitiesOnly)") {
		t.Fatalf("IdentitiesOnly: err = %v", err)
	}
}

// signCert writes an OpenSSH user certificate for pub, signed by ca.
func signCert(t *testing.T, ca xssh.Signer, pub xssh.PublicKey, principal, file string) {
	t.Helper()
	cert := &xssh.Certificate{
		Key: pub, CertType: xssh.UserCert, KeyId: "opsdeck-test", ValidPrincipals: []string{principal},
		ValidAfter: uint64(time.Now().Add(-time.Minute).Unix()), ValidBefore: uint64(time.Now().Add(time.Hour).Unix()),
		Permissions: xssh.Permissions{Extensions: map[string]string{"permit-pty": ""}},
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, xssh.MarshalAuthorizedKey(cert), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A key the server does not authorise gets in with a certificate from the
// CA it trusts: beside the identity file (-cert.pub) or as a
// CertificateFile.
func TestUserCertificateOffered(t *testing.T) {
	b := need(t)
	t.Parallel()
	dir := t.TempDir()
	k, err := writeKey(dir, "id_certified", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := noKeysClient(t, b)
	h := b.hostA()
	h.IdentityFiles = []string{k.file}
	if err := runTrue(c, h); err == nil {
		t.Fatal("the uncertified key got in: the test proves nothing")
	}
	signCert(t, b.userCA, k.signer.PublicKey(), b.user, k.file+"-cert.pub")
	c = noKeysClient(t, b)
	if err := runTrue(c, h); err != nil {
		t.Fatalf("with id-cert.pub beside the key: %v", err)
	}
	other := filepath.Join(dir, "elsewhere.pub")
	if err := os.Rename(k.file+"-cert.pub", other); err != nil {
		t.Fatal(err)
	}
	c = noKeysClient(t, b)
	h = b.hostB()
	h.IdentityFiles, h.CertificateFiles = []string{k.file}, []string{other}
	if err := runTrue(c, h); err != nil {
		t.Fatalf("with CertificateFile: %v", err)
	}
	// A certificate from a CA the server does not trust is refused.
	_, strangerCA, _ := ed25519.GenerateKey(rand.Reader)
	sca, _ := xssh.NewSignerFromKey(strangerCA)
	signCert(t, sca, k.signer.PublicKey(), b.user, other)
	c = noKeysClient(t, b)
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), other+" (certificate)") {
		t.Fatalf("untrusted CA: err = %v", err)
	}
	// A certificate file that is a plain key is an error naming it.
	h.CertificateFiles = []string{writeTemp(t, "plain.pub", string(xssh.MarshalAuthorizedKey(k.signer.PublicKey())))}
	c = noKeysClient(t, b)
	if err := runTrue(c, h); err == nil || !strings.Contains(err.Error(), "not an OpenSSH user certificate") {
		t.Fatalf("plain key as certificate: err = %v", err)
	}
}
