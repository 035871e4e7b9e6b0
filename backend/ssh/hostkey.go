package ssh

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skeema/knownhosts"
	xssh "golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// hostKeys is the known_hosts database of one set of files, re-read when
// a file changes: an operator told to add a key with ssh-keyscan can retry
// without restarting opsdeck. A file of the set that does not exist is
// skipped, as ssh skips ~/.ssh/known_hosts2, but at least one must.
type hostKeys struct {
	files []string

	mu    sync.Mutex
	db    *knownhosts.HostKeyDB
	used  []string // the files of db, those that existed
	stamp []fileStamp
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func loadHostKeys(files ...string) (*hostKeys, error) {
	hk := &hostKeys{files: files}
	if _, _, err := hk.current(); err != nil {
		return nil, fmt.Errorf("ssh: %w", err)
	}
	return hk, nil
}

// current returns the database and the files it holds, reloading it if a
// file changed. Files that all went missing or broke are an error, never
// "trust all".
func (hk *hostKeys) current() (*knownhosts.HostKeyDB, []string, error) {
	var used []string
	var stamp []fileStamp
	var firstErr error
	for _, f := range hk.files {
		fi, err := os.Stat(f)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		used = append(used, f)
		stamp = append(stamp, fileStamp{fi.ModTime(), fi.Size()})
	}
	if len(used) == 0 {
		if len(hk.files) == 1 && firstErr != nil {
			return nil, nil, fmt.Errorf("known_hosts: %w", firstErr)
		}
		return nil, nil, fmt.Errorf("known_hosts: none of %s exists", strings.Join(hk.files, ", "))
	}
	hk.mu.Lock()
	defer hk.mu.Unlock()
	if hk.db == nil || !slices.Equal(used, hk.used) || !slices.Equal(stamp, hk.stamp) {
		db, err := knownhosts.NewDB(used...)
		if err != nil {
			return nil, nil, fmt.Errorf("known_hosts %s: %w", strings.Join(used, ", "), err)
		}
		hk.db, hk.used, hk.stamp = db, used, stamp
	}
	return hk.db, hk.used, nil
}

// HostKeyError is a refused host key: unknown to known_hosts, changed, or
// revoked. Nothing was authenticated and no session was opened.
type HostKeyError struct {
	Addr    string
	File    string   // known_hosts
	Offered string   // type and SHA256 fingerprint the server presented
	Known   []string // fingerprints known_hosts has for Addr (mismatch only)
	Revoked bool
	// Note is what the host's ssh_config says that opsdeck does not
	// honour (StrictHostKeyChecking no), so the refusal is not a surprise.
	Note string
}

// Unknown reports a host with no entry in known_hosts.
func (e *HostKeyError) Unknown() bool { return !e.Revoked && len(e.Known) == 0 }

// Mismatch reports a host whose key differs from the recorded one.
func (e *HostKeyError) Mismatch() bool { return !e.Revoked && len(e.Known) > 0 }

func (e *HostKeyError) Error() string {
	msg := e.message()
	if e.Note != "" {
		msg += "; " + e.Note
	}
	return msg
}

func (e *HostKeyError) message() string {
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
	if err != nil {
		return "ssh-keyscan " + addr
	}
	if port == "22" {
		return "ssh-keyscan " + host // ssh-keyscan takes no host:port
	}
	return "ssh-keyscan -p " + port + " " + host
}

// verifier checks one handshake's host key against one snapshot of the
// database and keeps the refusal, since x/crypto flattens it into
// "ssh: handshake failed: ...".
type verifier struct {
	file string // the known_hosts files, for messages
	note string // Host.HostKeyNote
	db   *knownhosts.HostKeyDB
	cb   xssh.HostKeyCallback

	mu  sync.Mutex
	err *HostKeyError
}

func (hk *hostKeys) verifier(note string) (*verifier, error) {
	db, used, err := hk.current()
	if err != nil {
		return nil, err
	}
	return &verifier{file: strings.Join(used, ", "), note: note, db: db, cb: db.HostKeyCallback()}, nil
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
	hkErr := &HostKeyError{Addr: hostname, File: v.file, Note: v.note, Offered: key.Type() + " " + xssh.FingerprintSHA256(key)}
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
