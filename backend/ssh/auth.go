package ssh

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	xssh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authKeys are the identity files, loaded once by NewClient.
type authKeys struct {
	plain   []xssh.Signer
	files   []string     // names of plain, same order, for messages
	locked  []*lockedKey // encrypted, unlocked on first use via the hook
	skipped []string     // why a file is not used, for the auth failure message
}

// lockedKey is an encrypted key file. Its public half is known without the
// passphrase (OpenSSH format or a .pub next to it), so the server can be
// asked whether it would accept the key before the user is prompted.
type lockedKey struct {
	file   string
	pub    xssh.PublicKey // nil: no public half available, unlock eagerly
	pem    []byte         // still encrypted
	prompt func(file string) ([]byte, error)

	mu     sync.Mutex
	signer xssh.Signer
}

func loadKeys(files []string, prompt func(string) ([]byte, error)) (*authKeys, error) {
	ak := &authKeys{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("ssh: identity file: %w", err)
		}
		s, err := xssh.ParsePrivateKey(data)
		var missing *xssh.PassphraseMissingError
		switch {
		case err == nil:
			ak.plain = append(ak.plain, s)
			ak.files = append(ak.files, f)
		case errors.As(err, &missing):
			if prompt == nil {
				ak.skipped = append(ak.skipped, f+" is encrypted and no Passphrase hook is set")
				continue
			}
			pub := missing.PublicKey
			if pub == nil {
				pub = readPub(f + ".pub")
			}
			ak.locked = append(ak.locked, &lockedKey{file: f, pub: pub, pem: data, prompt: prompt})
		default:
			// x/crypto parse errors describe the format, never the content.
			return nil, fmt.Errorf("ssh: identity file %s: %w", f, err)
		}
	}
	return ak, nil
}

func readPub(file string) xssh.PublicKey {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	pub, _, _, _, err := xssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	return pub
}

// unlock asks for the passphrase (once per process when it is right) and
// decrypts the key. The passphrase is wiped after use and never reported.
func (k *lockedKey) unlock() (xssh.Signer, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.signer != nil {
		return k.signer, nil
	}
	pass, err := k.prompt(k.file)
	if err != nil {
		return nil, fmt.Errorf("key file %s: passphrase: %w", k.file, err)
	}
	s, err := xssh.ParsePrivateKeyWithPassphrase(k.pem, pass)
	clear(pass)
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, fmt.Errorf("key file %s: incorrect passphrase", k.file)
	}
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", k.file, err)
	}
	k.signer = s
	return s, nil
}

// lazySigner presents a locked key's public half and unlocks it only when
// x/crypto signs, which it does only after the server said it would
// accept this key. It is an AlgorithmSigner so RSA keys can use
// rsa-sha2-256/512 like any parsed key.
type lazySigner struct {
	k *lockedKey
	s *authSession
}

func (l lazySigner) PublicKey() xssh.PublicKey { return l.k.pub }

func (l lazySigner) Sign(rand io.Reader, data []byte) (*xssh.Signature, error) {
	s, err := l.s.unlock(l.k)
	if err != nil {
		return nil, err
	}
	return s.Sign(rand, data)
}

func (l lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*xssh.Signature, error) {
	s, err := l.s.unlock(l.k)
	if err != nil {
		return nil, err
	}
	if as, ok := s.(xssh.AlgorithmSigner); ok {
		return as.SignWithAlgorithm(rand, data, algorithm)
	}
	return s.Sign(rand, data)
}

// authSession is the auth state of one handshake: the agent connection is
// opened only when x/crypto asks for keys, and closed after the handshake.
type authSession struct {
	keys     *authKeys
	useAgent bool
	getenv   func(string) string
	// prompting gets true before a passphrase prompt (or the wait for
	// another handshake's prompt of the same key) and false after it, so
	// the handshake deadline does not run while a human types.
	prompting chan bool

	mu    sync.Mutex
	agent net.Conn
	tried []string
	notes []string
}

func (ak *authKeys) session(useAgent bool, getenv func(string) string) *authSession {
	return &authSession{keys: ak, useAgent: useAgent, getenv: getenv, prompting: make(chan bool, 16)}
}

// unlock unlocks k with the handshake deadline paused.
func (s *authSession) unlock(k *lockedKey) (xssh.Signer, error) {
	s.notify(true)
	defer s.notify(false)
	return k.unlock()
}

// notify never blocks: after the handshake gave up nobody listens.
func (s *authSession) notify(on bool) {
	select {
	case s.prompting <- on:
	default:
	}
}

// signers is the PublicKeysCallback: agent keys first, then key files.
// All keys go through this one callback because x/crypto tries each auth
// method name ("publickey") only once.
func (s *authSession) signers() ([]xssh.Signer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []xssh.Signer
	seen := map[string]bool{}
	add := func(sg xssh.Signer) bool {
		k := string(sg.PublicKey().Marshal())
		if seen[k] {
			return false
		}
		seen[k] = true
		out = append(out, sg)
		return true
	}
	if s.useAgent {
		s.fromAgent(add)
	}
	for i, sg := range s.keys.plain {
		if add(sg) {
			s.tried = append(s.tried, s.keys.files[i])
		}
	}
	for _, k := range s.keys.locked {
		if k.pub != nil {
			if add(lazySigner{k, s}) {
				s.tried = append(s.tried, k.file)
			}
			continue
		}
		// No public half: the passphrase is needed just to offer it.
		sg, err := s.unlock(k)
		if err != nil {
			s.notes = append(s.notes, err.Error())
			continue
		}
		if add(sg) {
			s.tried = append(s.tried, k.file)
		}
	}
	return out, nil
}

func (s *authSession) fromAgent(add func(xssh.Signer) bool) {
	sock := s.getenv("SSH_AUTH_SOCK")
	if sock == "" {
		s.notes = append(s.notes, "agent: SSH_AUTH_SOCK is not set")
		return
	}
	c, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		s.notes = append(s.notes, "agent: "+err.Error())
		return
	}
	s.agent = c
	list, err := agent.NewClient(c).Signers()
	if err != nil {
		s.notes = append(s.notes, "agent: "+err.Error())
		return
	}
	n := 0
	for _, sg := range list {
		if add(sg) {
			n++
		}
	}
	s.tried = append(s.tried, fmt.Sprintf("agent (%d keys)", n))
}

func (s *authSession) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.agent != nil {
		s.agent.Close()
		s.agent = nil
	}
}

// explain turns a failed handshake into a message that says what was
// tried and what was skipped (encrypted keys without a hook, no agent).
func (s *authSession) explain(err error) error {
	if !strings.Contains(err.Error(), "unable to authenticate") {
		return fmt.Errorf("handshake: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	b.WriteString("authentication failed; tried: ")
	if len(s.tried) == 0 {
		b.WriteString("no keys")
	} else {
		b.WriteString(strings.Join(s.tried, ", "))
	}
	notes := append(append([]string(nil), s.notes...), s.keys.skipped...)
	if len(notes) > 0 {
		b.WriteString("; ")
		b.WriteString(strings.Join(notes, "; "))
	}
	return fmt.Errorf("%s: %w", b.String(), err)
}
