package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend"
)

// Identity is one line of the authorized-keys file: who a key belongs to
// and what that person may do.
type Identity struct {
	User        string
	Role        backend.Role
	Key         gossh.PublicKey
	Fingerprint string // SHA256:... as `ssh-keygen -lf` prints it
}

// Actor is the identity as the backend sees it.
func (id Identity) Actor() backend.Actor {
	return backend.Actor{User: id.User, Fingerprint: id.Fingerprint, Role: id.Role}
}

// Keyring looks identities up by public key.
type Keyring struct {
	byKey map[string]Identity // key: the key's wire encoding
}

// Lookup returns the identity of key, if it is authorized.
func (k *Keyring) Lookup(key gossh.PublicKey) (Identity, bool) {
	if k == nil || key == nil {
		return Identity{}, false
	}
	id, ok := k.byKey[string(key.Marshal())]
	return id, ok
}

// Len is how many keys are authorized.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.byKey)
}

// maxKeysLine bounds one line of the file (an RSA-16384 key is ~3 KB).
const maxKeysLine = 64 << 10

// ParseAuthorizedKeys reads lines of the form
//
//	<role> <user> <public key line as in ~/.ssh/authorized_keys>
//
// role is viewer or operator; user is a plain identifier (it reaches the
// audit log and the timeline, so no spaces or control characters). Blank
// lines and lines starting with # are skipped. The first malformed line is
// an error naming name:line. A key listed twice is an error too: the file
// must not be ambiguous about a key's role.
func ParseAuthorizedKeys(r io.Reader, name string) (*Keyring, error) {
	ring := &Keyring{byKey: map[string]Identity{}}
	firstLine := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxKeysLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := parseKeyLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		wire := string(id.Key.Marshal())
		if prev, dup := firstLine[wire]; dup {
			return nil, fmt.Errorf("%s:%d: key %s already listed on line %d", name, n, id.Fingerprint, prev)
		}
		firstLine[wire] = n
		ring.byKey[wire] = id
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return ring, nil
}

func parseKeyLine(line string) (Identity, error) {
	role, rest := cutField(line)
	user, keyLine := cutField(rest)
	var id Identity
	switch backend.Role(role) {
	case backend.RoleViewer, backend.RoleOperator:
		id.Role = backend.Role(role)
	default:
		return id, fmt.Errorf("role %q: want viewer or operator (line format: <role> <user> <public key>)", role)
	}
	if !backend.ValidIdent(user) {
		return id, fmt.Errorf("user %q: want letters, digits, _ . - (line format: <role> <user> <public key>)", user)
	}
	id.User = user
	if keyLine == "" {
		return id, errors.New("no public key after the user name")
	}
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(keyLine))
	if err != nil {
		return id, fmt.Errorf("public key: %w", err)
	}
	id.Key, id.Fingerprint = key, gossh.FingerprintSHA256(key)
	return id, nil
}

// LoadAuthorizedKeys reads and parses the file at path. A file that others
// than its owner may write is refused: whoever can write it can make
// themselves an operator.
func LoadAuthorizedKeys(path string) (*Keyring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	if st.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("authorized keys %s: mode %#o lets others write it; chmod go-w", path, st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	return ParseAuthorizedKeys(bytes.NewReader(data), path)
}

// cutField splits s at its first run of spaces or tabs.
func cutField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}
