package incident

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend/drtree"
)

// ErrOpenIncident is matched when starting an incident while one is open.
var ErrOpenIncident = errors.New("an incident is already open")

// ErrNotFound is matched when an incident ID is unknown.
var ErrNotFound = errors.New("no such incident")

var idRE = regexp.MustCompile(`^[0-9]{8}-[0-9]{4}-[0-9a-f]{6}$`)

// Store keeps incidents as one JSON file each (<id>.json, 0600) in a 0700
// directory. Every mutation is on disk before it returns. Safe for
// concurrent use; callers get copies, never the store's own values.
//
// Several stores may share one directory (other consoles, other opsdeck
// processes): every mutation holds an exclusive lock on <dir>/.lock and
// first re-reads from disk what it changes, so it never overwrites a
// change another store made. Reads answer from memory; Reload brings in
// what the others changed.
type Store struct {
	mu   sync.Mutex
	dir  string
	all  map[string]*Incident
	disk map[string]seenFile // each incident file as last read or written
	// dirSeen is the directory as of the last scan: while it is unchanged
	// (and settled), Reload costs one stat.
	dirSeen seenStat
}

// Open loads the store at dir (creating it) and returns the open incident,
// nil when there is none: after a restart or kill the console resumes it.
func Open(dir string) (*Store, *Incident, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("incident: %w", err)
	}
	// Incident notes name hosts and people: keep the directory private even
	// if it was created wider by hand.
	if fi, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("incident: %w", err)
	} else if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("incident: %w", err)
		}
	}
	s := &Store{dir: dir, all: map[string]*Incident{}, disk: map[string]seenFile{}}
	err := s.locked(func() error {
		// Under the lock: a temp file is only ever there while its writer
		// holds the lock, so what is left now is a killed writer's.
		removeTemps(dir)
		_, err := s.scan(func(string) bool { return true })
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return s, s.Current(), nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Current is a copy of the open incident (the latest started, should there
// ever be two), nil when none is open.
func (s *Store) Current() *Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	var open *Incident
	for _, inc := range s.all {
		if inc.Open() && (open == nil || inc.Started.After(open.Started)) {
			open = inc
		}
	}
	if open == nil {
		return nil
	}
	return clone(open)
}

// Start opens a new incident from inc (Title and Started required; the
// store sets ID, Status, the post-incident checklist, and a status event).
// It refuses while another incident is open.
func (s *Store) Start(inc Incident, actor string) (*Incident, error) {
	if strings.TrimSpace(inc.Title) == "" || inc.Started.IsZero() {
		return nil, errors.New("incident: a new incident needs a title and a start time")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n *Incident
	err := s.locked(func() error {
		// Another process may have opened (or resolved) one since this
		// store last looked: read every new file and every open one.
		if _, err := s.scan(func(id string) bool { inc := s.all[id]; return inc == nil || inc.Open() }); err != nil {
			return err
		}
		for _, o := range s.all {
			if o.Open() {
				return fmt.Errorf("incident: %w (%s %q)", ErrOpenIncident, o.ID, o.Title)
			}
		}
		n = clone(&inc)
		n.ID = newID(n.Started)
		n.Status, n.Resolved = StatusInvestigating, time.Time{}
		if len(n.PostIncident) == 0 {
			n.PostIncident = NewPostIncident()
		}
		n.Timeline = append(n.Timeline, Event{At: n.Started, Actor: actor, Kind: EventStatus, Text: "Incident opened: " + n.Title})
		return s.save(n)
	})
	if err != nil {
		return nil, err
	}
	return clone(n), nil
}

// AddEvent appends an event to an incident's timeline (At defaults to now).
func (s *Store) AddEvent(id string, e Event) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	return s.Update(id, func(inc *Incident) error {
		inc.Timeline = append(inc.Timeline, e)
		return nil
	})
}

// SetWalk stores the wizard's walk and the branch it is in.
func (s *Store) SetWalk(id string, st drtree.State, b *drtree.Branch) error {
	return s.Update(id, func(inc *Incident) error {
		inc.Walk = st
		if b != nil || inc.Branch == "" {
			inc.SetBranch(b)
		}
		return nil
	})
}

// Update changes an incident: fn edits a copy of it as it is on disk now
// (another process may have changed it), which is persisted and only then
// becomes the incident. An error from fn changes nothing; the store has
// still read the incident afresh.
func (s *Store) Update(id string, fn func(*Incident) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locked(func() error {
		if err := s.reread(id); err != nil {
			return err
		}
		n := clone(s.all[id])
		if err := fn(n); err != nil {
			return err
		}
		n.ID = id // the file name is the ID; fn may not move it
		return s.save(n)
	})
}

// Resolve closes an incident at the given time.
func (s *Store) Resolve(id string, at time.Time, actor string) error {
	return s.Update(id, func(inc *Incident) error { return inc.resolve(at, actor) })
}

// resolve closes inc at the given time with the status event.
func (inc *Incident) resolve(at time.Time, actor string) error {
	if !inc.Open() {
		return fmt.Errorf("incident %s is already resolved", inc.ID)
	}
	inc.Status, inc.Resolved = StatusResolved, at
	inc.Timeline = append(inc.Timeline, Event{At: at, Actor: actor, Kind: EventStatus,
		Text: "Resolved after " + Human(inc.Elapsed(at))})
	return nil
}

// handOver closes inc at the given time, handed to who, with the status
// event.
func (inc *Incident) handOver(at time.Time, actor, who string) error {
	if !inc.Open() {
		return fmt.Errorf("incident %s is already closed", inc.ID)
	}
	inc.Status, inc.Resolved, inc.HandedTo = StatusHandedOver, at, who
	inc.Timeline = append(inc.Timeline, Event{At: at, Actor: actor, Kind: EventStatus,
		Text: "Handed over to " + who + " after " + Human(inc.Elapsed(at))})
	return nil
}

// TickPostIncident marks post-incident item i done or not.
func (s *Store) TickPostIncident(id string, i int, done bool) error {
	return s.Update(id, func(inc *Incident) error {
		if i < 0 || i >= len(inc.PostIncident) {
			return fmt.Errorf("incident %s has no post-incident item %d", id, i+1)
		}
		inc.PostIncident[i].Done = done
		return nil
	})
}

// Get is a copy of one incident.
func (s *Store) Get(id string) (*Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, ok := s.all[id]
	if !ok {
		return nil, fmt.Errorf("incident %s: %w", id, ErrNotFound)
	}
	return clone(inc), nil
}

// List is every incident, open and resolved, newest first.
func (s *Store) List() []*Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Incident, 0, len(s.all))
	for _, inc := range s.all {
		out = append(out, clone(inc))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Started.Equal(out[j].Started) {
			return out[i].Started.After(out[j].Started)
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// save writes inc and, once it is durable, makes it the store's value.
// Called with s.mu and the directory lock held.
func (s *Store) save(inc *Incident) error {
	data, err := json.MarshalIndent(inc, "", "  ")
	if err != nil {
		return fmt.Errorf("incident: %w", err)
	}
	data = append(data, '\n')
	path := filepath.Join(s.dir, inc.ID+".json")
	if err := writeAtomic(path, data, true); err != nil {
		return fmt.Errorf("incident: save %s: %w", inc.ID, err)
	}
	s.all[inc.ID] = inc
	// Nobody else can write it while the lock is held, so this stat is of
	// the file just written.
	if fi, err := os.Stat(path); err == nil {
		s.disk[inc.ID] = seenFile{stat: seen(fi, time.Now()), data: data}
	} else {
		delete(s.disk, inc.ID) // the next Reload reads it again
	}
	return nil
}

// clone deep-copies through JSON, the same form the file has, so a copy
// is exactly what a restart would load.
func clone(inc *Incident) *Incident {
	data, err := json.Marshal(inc)
	if err != nil {
		panic("incident: clone: " + err.Error()) // only plain data: cannot happen
	}
	var out Incident
	if err := json.Unmarshal(data, &out); err != nil {
		panic("incident: clone: " + err.Error())
	}
	return &out
}

// newID is "20251127-1234-3f2a9c": sortable by start, unique by chance.
func newID(started time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return started.UTC().Format("20060102-1504") + "-" + hex.EncodeToString(b[:])
}

// lockName is the file in the directory whose lock every mutation holds.
const lockName = ".lock"
