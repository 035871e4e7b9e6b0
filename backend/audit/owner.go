package audit

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// An action whose opsdeck is killed mid-way (kill -9, a crash, a lost
// host) leaves a before entry without its after. The next opsdeck to
// start closes it with an after entry of result "interrupted", so the log
// never shows an action as running forever. Other consoles may share the
// log and be running an action right now: each log holds an exclusive
// lock on a file of its own under <audit>.owners/ for as long as it is
// open, and stamps its entries with that file's name. An owner whose
// lock can be taken is gone, the kernel having dropped its lock.

// ResultInterrupted is the after entry written for an action whose
// opsdeck ended before the action did.
const ResultInterrupted = "interrupted"

// interruptedText is the error of such an entry.
const interruptedText = "opsdeck ended before the action did (killed or crashed): what it did is unknown, check the fleet"

func ownersDir(logPath string) string { return logPath + ".owners" }

// owner is a log's claim on its entries: a locked file named by its ID.
type owner struct {
	id   string
	file *os.File
}

// claim creates and locks this log's owner file.
func claim(logPath string) (*owner, error) {
	dir := ownersDir(logPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	f, err := os.OpenFile(filepath.Join(dir, id+".lock"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if ok, err := lockFile(f, false); !ok && ownersKnown {
		f.Close()
		return nil, fmt.Errorf("lock %s: %v", f.Name(), err)
	}
	return &owner{id: id, file: f}, nil
}

// release ends the claim of a log closed cleanly.
func (o *owner) release() {
	_ = os.Remove(o.file.Name())
	_ = o.file.Close()
}

// CloseInterrupted writes an after entry of result interrupted for every
// action whose before entry has none and whose opsdeck is gone (or that a
// version without owners wrote), and returns those actions. Consoles
// starting together do it one at a time, each re-reading the log, so an
// action is closed once. Actions of a live opsdeck are left alone.
func (l *Log) CloseInterrupted() ([]Pair, error) {
	if !ownersKnown || l.owner == nil {
		return nil, nil
	}
	dir := ownersDir(l.path)
	rf, err := os.OpenFile(filepath.Join(dir, ".recover"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rf.Close() // closing drops the lock
	if _, err := lockFile(rf, true); err != nil {
		return nil, fmt.Errorf("audit: lock %s: %w", rf.Name(), err)
	}
	entries, _, err := Read(l.path)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	gone := map[string]*os.File{} // dead owners' files, locked by us now
	defer func() {
		for _, f := range gone {
			_ = os.Remove(f.Name())
			_ = f.Close()
		}
	}()
	var out []Pair
	for _, p := range Pairs(entries) {
		b := p.Before
		if p.After != nil || b.Result == ResultRefused || !l.ownerGone(b.Owner, gone) {
			continue
		}
		after := Entry{Time: l.now().UTC(), Phase: PhaseAfter, ID: b.ID, User: b.User, Fingerprint: b.Fingerprint,
			Role: b.Role, Kind: b.Kind, Target: b.Target, Where: b.Where, Params: b.Params,
			Result: ResultInterrupted, Error: interruptedText, Incident: b.Incident}
		if err := l.Append(after); err != nil {
			return out, err
		}
		p.After = &after
		out = append(out, p)
	}
	l.sweep(gone)
	return out, nil
}

// sweep adds to gone the owner files of every other opsdeck that has
// ended, so that their files go too: one is left by each kill.
func (l *Log) sweep(gone map[string]*os.File) {
	names, _ := filepath.Glob(filepath.Join(ownersDir(l.path), "*.lock"))
	for _, n := range names {
		l.ownerGone(strings.TrimSuffix(filepath.Base(n), ".lock"), gone)
	}
}

// ownerGone reports whether the opsdeck that wrote entries as id has
// ended: its lock can be taken (and is kept in gone until the caller is
// done). An entry without an owner predates owners: nothing can still be
// running it.
func (l *Log) ownerGone(id string, gone map[string]*os.File) bool {
	switch {
	case id == "":
		return true
	case id == l.owner.id || !validOwner(id):
		return false
	case gone[id] != nil:
		return true
	}
	f, err := os.OpenFile(filepath.Join(ownersDir(l.path), id+".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return false
	}
	if ok, _ := lockFile(f, false); !ok {
		f.Close()
		return false
	}
	gone[id] = f
	return true
}

// validOwner keeps an owner ID read from the file a plain file name.
func validOwner(id string) bool {
	_, err := hex.DecodeString(id)
	return err == nil && len(id) == 16
}
