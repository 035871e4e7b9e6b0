// Package audit appends what opsdeck does to the fleet to a JSON-lines
// file, one entry before and one after every action. Each entry is written
// with a single write(2) and fsynced before the call returns, so an entry
// that was reported written survives opsdeck being killed, and a crash
// mid-write can at worst leave one torn last line, which Read skips.
package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Phase says whether an entry was written before or after the action.
type Phase string

const (
	PhaseBefore Phase = "before"
	PhaseAfter  Phase = "after"
)

// Result values of an after entry (and of a refused before entry).
const (
	ResultOK        = "ok"
	ResultFailed    = "failed"
	ResultCancelled = "cancelled"
	ResultTimedOut  = "timed out"
	ResultRefused   = "refused"
	// ResultInterrupted (owner.go): opsdeck ended before the action.
)

// Entry is one line of the audit file.
type Entry struct {
	Time        time.Time          `json:"time"`
	Phase       Phase              `json:"phase"`
	ID          string             `json:"id"`
	User        string             `json:"user"`
	Fingerprint string             `json:"fingerprint,omitempty"`
	Role        backend.Role       `json:"role,omitempty"`
	Kind        backend.ActionKind `json:"kind"`
	Target      string             `json:"target"`
	Where       string             `json:"where,omitempty"`
	Params      map[string]string  `json:"params,omitempty"`
	Steps       []string           `json:"steps,omitempty"`
	Result      string             `json:"result,omitempty"`
	Error       string             `json:"error,omitempty"`
	DurationMS  int64              `json:"duration_ms,omitempty"`
	Incident    string             `json:"incident,omitempty"`
	// Owner names the opsdeck that wrote the entry (owner.go), so that
	// the next one can tell an action still running from one whose
	// opsdeck was killed.
	Owner string `json:"owner,omitempty"`
}

// FromAction fills the who/what/where fields of an entry; parameters that
// look like secrets are redacted.
func FromAction(a backend.Action) Entry {
	return Entry{
		ID: a.ID, User: a.Actor.User, Fingerprint: a.Actor.Fingerprint, Role: a.Actor.Role,
		Kind: a.Kind, Target: a.Target, Where: a.Where, Params: Redact(a.Params),
	}
}

// secretWords mark a parameter whose value must never reach the file.
var secretWords = []string{"password", "passwd", "secret", "token", "key", "credential", "auth"}

// Redact returns a copy of params with secret-looking values replaced.
func Redact(params map[string]string) map[string]string {
	if len(params) == 0 {
		return nil
	}
	out := make(map[string]string, len(params))
	for k, v := range params {
		lk := strings.ToLower(k)
		for _, w := range secretWords {
			if strings.Contains(lk, w) {
				v = "[redacted]"
				break
			}
		}
		out[k] = v
	}
	return out
}

// Log is an open audit file; safe for concurrent use.
type Log struct {
	mu    sync.Mutex
	f     *os.File
	path  string
	now   func() time.Time
	owner *owner
}

// Open opens (creating with 0600, and its directory with 0700) the audit
// file at path for appending.
func Open(path string) (*Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if err := endLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: %s: %w", path, err)
	}
	o, err := claim(path)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: %s: %w", path, err)
	}
	return &Log{f: f, path: path, now: time.Now, owner: o}, nil
}

// endLine terminates a torn last line (opsdeck killed mid-write, a full
// disk), so the next entry starts on a line of its own instead of being
// glued to the fragment and lost with it.
func endLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return err
	}
	if last[0] == '\n' {
		return nil
	}
	if _, err := f.Write([]byte{'\n'}); err != nil {
		return err
	}
	return f.Sync()
}

// Path is the file the log writes to.
func (l *Log) Path() string { return l.path }

// Append writes e (stamping Time when zero) and fsyncs. An error means the
// entry may not be on disk: callers refuse to run an action whose before
// entry could not be written.
func (l *Log) Append(e Entry) error {
	if e.Time.IsZero() {
		e.Time = l.now().UTC()
	}
	if l.owner != nil {
		e.Owner = l.owner.id
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return errors.New("audit: log is closed")
	}
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("audit: write %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit: sync %s: %w", l.path, err)
	}
	return nil
}

// Close closes the file; later Appends fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if l.owner != nil {
		l.owner.release()
	}
	return err
}

// maxLine bounds one entry when reading (a torn or foreign line longer than
// this is skipped, not a reason to stop).
const maxLine = 1 << 20

// Read returns every well-formed entry of the file at path, in file order.
// Lines that do not parse (a torn last line after a crash) are skipped and
// counted.
func Read(path string) ([]Entry, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return read(f)
}

func read(r io.Reader) ([]Entry, int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var out []Entry
	bad := 0
	for sc.Scan() {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			bad++
			continue
		}
		out = append(out, e)
	}
	return out, bad, sc.Err()
}

// Pairs groups entries by action ID, oldest first: for each action its
// before entry and, once it finished, its after entry (nil while running
// or when opsdeck was killed before it ended).
type Pair struct {
	Before Entry
	After  *Entry
}

// Pairs matches before and after entries by ID.
func Pairs(entries []Entry) []Pair {
	idx := map[string]int{}
	var out []Pair
	for _, e := range entries {
		switch e.Phase {
		case PhaseBefore:
			idx[e.ID] = len(out)
			out = append(out, Pair{Before: e})
		case PhaseAfter:
			if i, ok := idx[e.ID]; ok {
				e := e
				out[i].After = &e
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Before.Time.Before(out[j].Before.Time) })
	return out
}
