package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// DefaultHistoryLen is how many images are kept per service.
const DefaultHistoryLen = 5

// ImageSeen is one image a service has been seen running.
type ImageSeen struct {
	Ref       string    `json:"ref"`                // e.g. "opsdeck-fleetsvc:v1.1.0"
	ImageID   string    `json:"image_id,omitempty"` // "sha256:…", once an action has resolved it
	FirstSeen time.Time `json:"first_seen"`
	// LastSeen is the last observation of the service running it, as of
	// the last write; the previous version is the one seen most recently
	// besides the current one.
	LastSeen time.Time `json:"last_seen"`
}

// History is the short version history of every service, persisted as
// JSON in one file. Safe for concurrent use.
type History struct {
	path string
	max  int

	mu       sync.Mutex
	services map[string][]ImageSeen // newest LastSeen last
	current  map[string][]string    // refs of the last observation, sorted; not persisted
	refs     refCheck               // image references already checked
}

// refCheck remembers which image references are valid. Observe sees the
// same few references on every refresh, and checking each against the
// reference grammar was a tenth of an idle console's CPU at 200
// containers; a fleet's references are few, and the memo is dropped
// whole if it ever grows past maxRefs.
type refCheck map[string]bool

const maxRefs = 4096

func (c *refCheck) valid(ref string) bool {
	if ok, seen := (*c)[ref]; seen {
		return ok
	}
	if *c == nil || len(*c) >= maxRefs {
		*c = refCheck{}
	}
	ok := validImageRef(ref)
	(*c)[ref] = ok
	return ok
}

type historyFile struct {
	Version  int                    `json:"version"`
	Services map[string][]ImageSeen `json:"services"`
}

// LoadHistory reads path (a missing file is an empty history); path ""
// keeps the history in memory only. max ≤ 0 means DefaultHistoryLen.
func LoadHistory(path string, max int) (*History, error) {
	if max <= 0 {
		max = DefaultHistoryLen
	}
	h := &History{path: path, max: max, services: map[string][]ImageSeen{}, current: map[string][]string{}}
	if path == "" {
		return h, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("version history: %w", err)
	}
	var f historyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("version history %s: %w", path, err)
	}
	for name, seen := range f.Services {
		if !backend.ValidIdent(name) {
			continue
		}
		seen = slices.DeleteFunc(seen, func(s ImageSeen) bool { return !validImageRef(s.Ref) })
		h.services[name] = bound(sortSeen(seen), max)
	}
	return h, nil
}

// Observe records the images the services run now. Only a change (an
// image not seen before, or another set of images running) is written:
// the order of the entries only moves when the running set changes, so
// a LastSeen written at that moment keeps the file's order right, and a
// poll every few seconds does not rewrite the file every few seconds.
func (h *History) Observe(services []backend.Service, now time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	running := map[string]map[string]bool{}
	for _, s := range services {
		if !backend.ValidIdent(s.Name) {
			continue
		}
		for _, c := range s.Containers {
			if c.Image == "" || !h.refs.valid(c.Image) {
				continue
			}
			if running[s.Name] == nil {
				running[s.Name] = map[string]bool{}
			}
			running[s.Name][c.Image] = true
		}
	}
	changed := false
	for name, refs := range running {
		cur := make([]string, 0, len(refs))
		for r := range refs {
			cur = append(cur, r)
		}
		sort.Strings(cur)
		if !slices.Equal(cur, h.current[name]) {
			changed = true
		}
		h.current[name] = cur
		seen := h.services[name]
		for _, ref := range cur {
			i := slices.IndexFunc(seen, func(s ImageSeen) bool { return s.Ref == ref })
			if i < 0 {
				seen = append(seen, ImageSeen{Ref: ref, FirstSeen: now, LastSeen: now})
				changed = true
				continue
			}
			seen[i].LastSeen = now
		}
		h.services[name] = bound(sortSeen(seen), h.max)
	}
	if !changed {
		return nil
	}
	return h.saveLocked()
}

// Previous is the image to roll service back to from the images it runs
// now: the one seen most recently that none of them is.
func (h *History) Previous(service string, current []string) (ImageSeen, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := h.services[service]
	for i := len(seen) - 1; i >= 0; i-- {
		if !slices.Contains(current, seen[i].Ref) {
			return seen[i], true
		}
	}
	return ImageSeen{}, false
}

// Current is what the service ran at the last observation.
func (h *History) Current(service string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.current[service])
}

// Seen returns a copy of the service's history, oldest first.
func (h *History) Seen(service string) []ImageSeen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.services[service])
}

// SetImageID records the ID a reference was resolved to by an action, so
// the history file says which bytes a version was.
func (h *History) SetImageID(service, ref, id string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := h.services[service]
	i := slices.IndexFunc(seen, func(s ImageSeen) bool { return s.Ref == ref })
	if i < 0 || seen[i].ImageID == id {
		return nil
	}
	seen[i].ImageID = id
	return h.saveLocked()
}

func sortSeen(seen []ImageSeen) []ImageSeen {
	sort.SliceStable(seen, func(a, b int) bool { return seen[a].LastSeen.Before(seen[b].LastSeen) })
	return seen
}

// bound keeps the max most recently seen.
func bound(seen []ImageSeen, max int) []ImageSeen {
	if len(seen) > max {
		seen = slices.Clone(seen[len(seen)-max:])
	}
	return seen
}

// saveLocked writes the file atomically: a temporary file in the same
// directory, synced, renamed over the old one, and the directory synced,
// so a crash leaves either the old or the new history, never half.
func (h *History) saveLocked() error {
	if h.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(historyFile{Version: 1, Services: h.services}, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(h.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("version history: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".history-*.tmp")
	if err != nil {
		return fmt.Errorf("version history: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("version history: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("version history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("version history: %w", err)
	}
	if err := os.Rename(tmp.Name(), h.path); err != nil {
		return fmt.Errorf("version history: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
