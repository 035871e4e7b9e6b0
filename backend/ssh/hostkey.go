package ssh

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/skeema/knownhosts"
	xssh "golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// hostKeys is the known_hosts database, re-read when the file changes:
// an operator told to add a key with ssh-keyscan can retry without
// restarting opsdeck.
type hostKeys struct {
	file string

	mu    sync.Mutex
	db    *knownhosts.HostKeyDB
	stamp fileStamp
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func loadHostKeys(file string) (*hostKeys, error) {
	hk := &hostKeys{file: file}
	if _, err := hk.current(); err != nil {
		return nil, fmt.Errorf("ssh: %w", err)
	}
	return hk, nil
}

// current returns the database, reloading it if the file changed. A file
// that went missing or broke is an error, never "trust all".
func (hk *hostKeys) current() (*knownhosts.HostKeyDB, error) {
	fi, err := os.Stat(hk.file)
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	st := fileStamp{fi.ModTime(), fi.Size()}
	hk.mu.Lock()
	defer hk.mu.Unlock()
	if hk.db == nil || st != hk.stamp {
		db, err := knownhosts.NewDB(hk.file)
		if err != nil {
			return nil, fmt.Errorf("known_hosts %s: %w", hk.file, err)
		}
		hk.db, hk.stamp = db, st
	}
	return hk.db, nil
}

// HostKeyError is a refused host key: unknown to known_hosts, changed, or
// revoked. Nothing was authenticated and no session was opened.
type HostKeyError struct {
	Addr    string
	File    string   // known_hosts
	Offered string   // type and SHA256 fingerprint the server presented
	Known   []string // fingerprints known_hosts has for Addr (mismatch only)
	Revoked bool
}

// Unknown reports a host with no entry in known_hosts.
func (e *HostKeyError) Unknown() bool { return !e.Revoked && len(e.Known) == 0 }

// Mismatch reports a host whose key differs from the recorded one.
func (e *HostKeyError) Mismatch() bool { return !e.Revoked && len(e.Known) > 0 }

func (e *HostKeyError) Error() string {
	switch {
	case e.Revoked:
		return fmt.Sprintf("host key for %s is revoked in %s: the server offered %s", e.Addr, e.File, e.Offered)
	case e.Mismatch():
		return fmt.Sprintf("HOST KEY MISMATCH for %s (possible man-in-the-middle): known_hosts has %s , the server offered %s",
			e.Addr, strings.Join(e.Known, ", "), e.Offered)
	default:
		return fmt.Sprintf("host key for %s is not in %s: the server offered %s (verify it, then add it with %s)",
			e.Addr, e.File, e.Offered, keyscanHint(e.Addr))
	}
}

func keyscanHint(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "22" {
		return "ssh-keyscan " + addr
	}
	return "ssh-keyscan -p " + port + " " + host
}

// verifier checks one handshake's host key against one snapshot of the
// database and keeps the refusal, since x/crypto flattens it into
// "ssh: handshake failed: ...".
type verifier struct {
	file string
	db   *knownhosts.HostKeyDB
	cb   xssh.HostKeyCallback

	mu  sync.Mutex
	err *HostKeyError
}

func (hk *hostKeys) verifier() (*verifier, error) {
	db, err := hk.current()
	if err != nil {
		return nil, err
	}
	return &verifier{file: hk.file, db: db, cb: db.HostKeyCallback()}, nil
}

// algorithms returns the host key algorithms to offer for addr: only the
// types recorded for it, so the server cannot pick a type whose key we do
// not hold (the x/crypto pitfall, golang/go#29286). For an unknown host
// the handshake still runs, only to fail in the callback with the offered
// key in the message; OpenSSH's preference order is used then so the
// fingerprint shown is the one ssh and ssh-keyscan show the operator.
func (v *verifier) algorithms(addr string) []string {
	if algos := v.db.HostKeyAlgorithms(addr); len(algos) > 0 {
		return algos
	}
	return []string{
		xssh.KeyAlgoED25519,
		xssh.KeyAlgoECDSA256, xssh.KeyAlgoECDSA384, xssh.KeyAlgoECDSA521,
		xssh.KeyAlgoRSASHA512, xssh.KeyAlgoRSASHA256,
	}
}

func (v *verifier) callback(hostname string, remote net.Addr, key xssh.PublicKey) error {
	err := v.cb(hostname, remote, key)
	if err == nil {
		return nil
	}
	hkErr := &HostKeyError{Addr: hostname, File: v.file, Offered: key.Type() + " " + xssh.FingerprintSHA256(key)}
	var keyErr *xknownhosts.KeyError
	var revoked *xknownhosts.RevokedError
	switch {
	case errors.As(err, &revoked):
		hkErr.Revoked = true
	case errors.As(err, &keyErr):
		for _, k := range keyErr.Want {
			hkErr.Known = append(hkErr.Known, fmt.Sprintf("%s %s (line %d)", k.Key.Type(), xssh.FingerprintSHA256(k.Key), k.Line))
		}
	default:
		return fmt.Errorf("checking host key of %s: %w", hostname, err)
	}
	v.mu.Lock()
	v.err = hkErr
	v.mu.Unlock()
	return hkErr
}

// failure returns the host key refusal of this handshake, if any.
func (v *verifier) failure() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.err == nil {
		return nil
	}
	return v.err
}
