package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend"
)

// newKey returns a fresh client key and its authorized_keys line.
func newKey(t testing.TB) (gossh.Signer, string) {
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

func TestParseAuthorizedKeys(t *testing.T) {
	alice, aliceLine := newKey(t)
	bob, bobLine := newKey(t)
	stranger, _ := newKey(t)
	file := "# on-call roster\n\n" +
		"operator alice " + aliceLine + " alice@laptop\n" +
		"   # indented comment\n" +
		"viewer\tbob " + bobLine + "\n"
	ring, err := ParseAuthorizedKeys(strings.NewReader(file), "keys")
	if err != nil {
		t.Fatal(err)
	}
	if ring.Len() != 2 {
		t.Fatalf("Len = %d, want 2", ring.Len())
	}
	a, ok := ring.Lookup(alice.PublicKey())
	if !ok || a.User != "alice" || a.Role != backend.RoleOperator || a.Fingerprint != gossh.FingerprintSHA256(alice.PublicKey()) {
		t.Fatalf("alice = %+v, %v", a, ok)
	}
	if !strings.HasPrefix(a.Fingerprint, "SHA256:") {
		t.Fatalf("fingerprint %q", a.Fingerprint)
	}
	b, ok := ring.Lookup(bob.PublicKey())
	if !ok || b.User != "bob" || b.Role != backend.RoleViewer || b.Actor().CanAct() {
		t.Fatalf("bob = %+v, %v", b, ok)
	}
	if _, ok := ring.Lookup(stranger.PublicKey()); ok {
		t.Fatal("an unlisted key was found")
	}
}

func TestParseAuthorizedKeysErrorsNameTheLine(t *testing.T) {
	_, k := newKey(t)
	cases := []struct{ name, file, want string }{
		{"bad role", "# c\nadmin alice " + k + "\n", "keys:2: role \"admin\""},
		{"no user", "\n\noperator\n", "keys:3: user \"\""},
		{"user with escape", "viewer al\x1b[2Jice " + k + "\n", "keys:1: user"},
		{"no key", "viewer alice\n", "keys:1: no public key"},
		{"bad key", "viewer alice ssh-ed25519 AAAAnotbase64!!\n", "keys:1: public key"},
		{"role case", "Operator alice " + k + "\n", "keys:1: role"},
		{"duplicate key", "viewer alice " + k + "\n# x\noperator mallory " + k + "\n", "keys:3: key SHA256:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseAuthorizedKeys(strings.NewReader(c.file), "keys")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestLoadAuthorizedKeysRefusesWritableByOthers(t *testing.T) {
	_, k := newKey(t)
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, []byte("viewer bob "+k+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAuthorizedKeys(path); err != nil {
		t.Fatalf("0644 must load: %v", err)
	}
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAuthorizedKeys(path); err == nil || !strings.Contains(err.Error(), "go-w") {
		t.Fatalf("group-writable file: err = %v", err)
	}
	if _, err := LoadAuthorizedKeys(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing file loaded")
	}
}

func FuzzParseAuthorizedKeys(f *testing.F) {
	_, k := newKey(f)
	f.Add("operator alice " + k + "\n")
	f.Add("# c\n\nviewer bob " + k + " comment\n")
	f.Add("viewer x ssh-rsa AAAA\n")
	f.Fuzz(func(t *testing.T, s string) {
		ring, err := ParseAuthorizedKeys(strings.NewReader(s), "f")
		if err != nil {
			return
		}
		for _, id := range ring.byKey {
			if !backend.ValidIdent(id.User) || (id.Role != backend.RoleViewer && id.Role != backend.RoleOperator) || id.Key == nil {
				t.Fatalf("accepted a bad identity %+v from %q", id, s)
			}
		}
	})
}
