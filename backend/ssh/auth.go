package ssh

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	xssh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// authKeys are the identity files and certificates of a handshake: the
// Client's own (loaded once by NewClient), with a host's before them.
type authKeys struct {
	plain   []xssh.Signer
	files   []string     // names of plain, same order, for messages
	locked  []*lockedKey // encrypted, unlocked on first use via the hook
	certs   []certFile   // offered with the key they certify
	skipped []string     // why a file is not used, for the auth failure message
	// identitiesOnly: agent keys only when they are one of the files'.
	identitiesOnly bool
}

// certFile is an OpenSSH user certificate read from a file.
type certFile struct {
	file string
	cert *xssh.Certificate
}

func loadKeys(files []string, prompt func(string) ([]byte, error)) (*authKeys, error) {
	ak := &authKeys{}
	for _, f := range files {
		id := loadIdentity(f, prompt)
		if id.err != nil {
			return nil, id.err
		}
		if id.missing {
			return nil, fmt.Errorf("ssh: identity file: %s: no such file", f)
		}
		ak.add(f, id)
		if c := loadCert(f+"-cert.pub", true); c.err != nil {
			return nil, c.err
		} else if c.cert != nil {
			ak.certs = append(ak.certs, certFile{c.file, c.cert})
		}
	}
	return ak, nil
}

// identity is one identity file as read: a key, a locked key, skipped
// (with why), missing, or an error.
type identity struct {
	plain   xssh.Signer
	locked  *lockedKey
	skipped string
	missing bool
	err     error
}

func loadIdentity(f string, prompt func(string) ([]byte, error)) identity {
	data, err := os.ReadFile(f)
	if errors.Is(err, fs.ErrNotExist) {
		return identity{missing: true}
	}
	if err != nil {
		return identity{err: fmt.Errorf("ssh: identity file: %w", err)}
	}
	s, err := xssh.ParsePrivateKey(data)
	var missing *xssh.PassphraseMissingError
	switch {
	case err == nil:
		return identity{plain: s}
	case errors.As(err, &missing):
		if prompt == nil {
			return identity{skipped: f + " is encrypted and no Passphrase hook is set"}
		}
		pub := missing.PublicKey
		if pub == nil {
			pub = readPub(f + ".pub")
		}
		return identity{locked: &lockedKey{file: f, pub: pub, pem: data, prompt: prompt}}
	default:
		// x/crypto parse errors describe the format, never the content.
		return identity{err: fmt.Errorf("ssh: identity file %s: %w", f, err)}
	}
}

// add appends a loaded identity file.
func (ak *authKeys) add(f string, id identity) {
	switch {
	case id.plain != nil:
		ak.plain = append(ak.plain, id.plain)
		ak.files = append(ak.files, f)
	case id.locked != nil:
		ak.locked = append(ak.locked, id.locked)
	case id.skipped != "":
		ak.skipped = append(ak.skipped, id.skipped)
	case id.missing:
		ak.skipped = append(ak.skipped, f+": no such file")
	}
}

// loadedCert is a certificate file as read: nil cert when optional and
// absent.
type loadedCert struct {
	file string
	cert *xssh.Certificate
	err  error
}

func loadCert(f string, optional bool) loadedCert {
	data, err := os.ReadFile(f)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return loadedCert{file: f}
	}
	if err != nil {
		return loadedCert{file: f, err: fmt.Errorf("ssh: certificate file: %w", err)}
	}
	pub, _, _, _, err := xssh.ParseAuthorizedKey(data)
	if err != nil {
		return loadedCert{file: f, err: fmt.Errorf("ssh: certificate file %s: %w", f, err)}
	}
	cert, ok := pub.(*xssh.Certificate)
	if !ok || cert.CertType != xssh.UserCert {
		return loadedCert{file: f, err: fmt.Errorf("ssh: certificate file %s holds a %s key, not an OpenSSH user certificate", f, pub.Type())}
	}
	return loadedCert{file: f, cert: cert}
}

// identities caches the hosts' identity and certificate files, read on
// first use: one passphrase prompt per key file for the Client's life.
type identities struct {
	prompt func(string) ([]byte, error)

	mu    sync.Mutex
	keys  map[string]identity
	certs map[string]loadedCert
}

func newIdentities(prompt func(string) ([]byte, error)) *identities {
	return &identities{prompt: prompt, keys: map[string]identity{}, certs: map[string]loadedCert{}}
}

func (ids *identities) key(f string) identity {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	id, ok := ids.keys[f]
	if !ok {
		id = loadIdentity(f, ids.prompt)
		ids.keys[f] = id
	}
	return id
}

func (ids *identities) cert(f string, optional bool) loadedCert {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	c, ok := ids.certs[f]
	if !ok {
		c = loadCert(f, optional)
		ids.certs[f] = c
	}
	return c
}

// keysFor returns the keys a handshake with h offers: h's identity files
// and certificates, then the Client's.
func (c *Client) keysFor(h Host) (*authKeys, error) {
	if len(h.IdentityFiles) == 0 && len(h.CertificateFiles) == 0 && !h.IdentitiesOnly {
		return c.auth, nil
	}
	ak := &authKeys{identitiesOnly: h.IdentitiesOnly}
	addCert := func(lc loadedCert, optional bool) error {
		switch {
		case lc.err != nil && !optional && errors.Is(lc.err, fs.ErrNotExist):
			ak.skipped = append(ak.skipped, lc.file+": no such file")
		case lc.err != nil:
			return lc.err
		case lc.cert != nil:
			ak.certs = append(ak.certs, certFile{lc.file, lc.cert})
		}
		return nil
	}
	for _, f := range h.IdentityFiles {
		id := c.ids.key(f)
		if id.err != nil {
			return nil, id.err
		}
		ak.add(f, id)
		if !id.missing {
			if err := addCert(c.ids.cert(f+"-cert.pub", true), true); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range h.CertificateFiles {
		if err := addCert(c.ids.cert(f, false), false); err != nil {
			return nil, err
		}
	}
	own := c.auth
	ak.plain = append(ak.plain, own.plain...)
	ak.files = append(ak.files, own.files...)
	ak.locked = append(ak.locked, own.locked...)
	ak.certs = append(ak.certs, own.certs...)
	ak.skipped = append(ak.skipped, own.skipped...)
	return ak, nil
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
	return s.withCerts(out), nil
}

// withCerts puts a certificate signer first for each certificate whose
// key is among signers (the agent's or an identity file's).
func (s *authSession) withCerts(signers []xssh.Signer) []xssh.Signer {
	var certs []xssh.Signer
	for _, cf := range s.keys.certs {
		sg := keyOf(signers, cf.cert.Key)
		if sg == nil {
			s.notes = append(s.notes, "certificate "+cf.file+": its key is neither in the agent nor an identity file")
			continue
		}
		cs, err := xssh.NewCertSigner(cf.cert, sg)
		if err != nil {
			s.notes = append(s.notes, fmt.Sprintf("certificate %s: %v", cf.file, err))
			continue
		}
		certs = append(certs, cs)
		s.tried = append(s.tried, cf.file+" (certificate)")
	}
	return append(certs, signers...)
}

func keyOf(signers []xssh.Signer, pub xssh.PublicKey) xssh.Signer {
	want := pub.Marshal()
	for _, sg := range signers {
		if bytes.Equal(sg.PublicKey().Marshal(), want) {
			return sg
		}
	}
	return nil
}

// filePubs are the public halves of the identity files, for
// IdentitiesOnly.
func (s *authSession) filePubs() map[string]bool {
	pubs := map[string]bool{}
	for _, sg := range s.keys.plain {
		pubs[string(sg.PublicKey().Marshal())] = true
	}
	for _, k := range s.keys.locked {
		if k.pub != nil {
			pubs[string(k.pub.Marshal())] = true
		}
	}
	return pubs
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
	var only map[string]bool
	if s.keys.identitiesOnly {
		only = s.filePubs()
	}
	n, held := 0, 0
	for _, sg := range list {
		if only != nil && !only[string(sg.PublicKey().Marshal())] {
			held++
			continue
		}
		if add(sg) {
			n++
		}
	}
	s.tried = append(s.tried, fmt.Sprintf("agent (%d keys)", n))
	if held > 0 {
		s.notes = append(s.notes, fmt.Sprintf("agent: %d keys not offered (IdentitiesOnly)", held))
	}
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
