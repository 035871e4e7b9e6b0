package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// racyWindow is how long after a file's (or the directory's) modification
// time its stat is not trusted to reveal the next change. File times come
// from a coarse clock (a jiffy on Linux, seconds or two on some file
// systems): a second write in the same tick, of the same size, onto a
// reused inode would look unchanged. A stat taken once the window is past
// is safe, as any later write carries a later time. This is git's "racy
// clean" rule.
const racyWindow = 2 * time.Second

// seenStat is a stat and whether it can be trusted to show the next change.
type seenStat struct {
	fi      fs.FileInfo
	settled bool
}

func seen(fi fs.FileInfo, observed time.Time) seenStat {
	return seenStat{fi: fi, settled: observed.Sub(fi.ModTime()) > racyWindow}
}

// unchanged reports whether fi is what was seen, trustworthily.
func (s seenStat) unchanged(fi fs.FileInfo) bool {
	return s.fi != nil && s.settled && os.SameFile(s.fi, fi) &&
		s.fi.Size() == fi.Size() && s.fi.ModTime().Equal(fi.ModTime())
}

// seenFile is an incident file as the store last read or wrote it.
type seenFile struct {
	stat seenStat
	data []byte
}

// Reload re-reads what other stores changed on disk since this one last
// looked; changed is false when nothing did. Cheap when idle: one stat of
// the directory (every write renames a file into it, which changes its
// time), and only the files whose stat changed are read.
func (s *Store) Reload() (changed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := os.Stat(s.dir)
	if err != nil {
		return false, fmt.Errorf("incident: %w", err)
	}
	if s.dirSeen.unchanged(fi) {
		return false, nil
	}
	return s.scan(func(string) bool { return false })
}

// scan brings the store in line with the directory: new files are read,
// vanished ones dropped, and a known file read again when its stat
// changed, is not yet settled, or force says so. changed reports whether
// any incident differs from what the store held. Called with s.mu held.
func (s *Store) scan(force func(id string) bool) (changed bool, err error) {
	now := time.Now() // before the stats: see racyWindow
	dir, err := os.Stat(s.dir)
	if err != nil {
		return false, fmt.Errorf("incident: %w", err)
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return false, fmt.Errorf("incident: %w", err)
	}
	present := map[string]bool{}
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !idRE.MatchString(id) {
			continue
		}
		present[id] = true
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed over between the listing and the stat
		} else if err != nil {
			return changed, fmt.Errorf("incident: %w", err)
		}
		if old, ok := s.disk[id]; ok && old.stat.unchanged(fi) && !force(id) {
			continue
		}
		c, err := s.readFile(id, fi, now)
		if err != nil {
			return changed, err
		}
		changed = changed || c
	}
	for id := range s.all {
		if !present[id] {
			delete(s.all, id)
			delete(s.disk, id)
			changed = true
		}
	}
	// Only a scan that completed counts: after an error the next Reload
	// looks again. The directory was stated before the listing, so a change
	// during the scan shows as a newer time next time.
	s.dirSeen = seen(dir, now)
	return changed, nil
}

// reread reads one incident afresh before it is changed; the directory
// lock must be held, so what it reads stays true until the change is
// saved. Called with s.mu held.
func (s *Store) reread(id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("incident %s: %w", id, ErrNotFound)
	}
	now := time.Now()
	fi, err := os.Stat(filepath.Join(s.dir, id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		delete(s.all, id)
		delete(s.disk, id)
		return fmt.Errorf("incident %s: %w", id, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("incident: %w", err)
	}
	_, err = s.readFile(id, fi, now)
	return err
}

// readFile reads <id>.json, whose stat is fi, into the store; changed
// reports whether its content differs from what the store held.
func (s *Store) readFile(id string, fi fs.FileInfo, observed time.Time) (changed bool, err error) {
	data, err := os.ReadFile(filepath.Join(s.dir, id+".json"))
	if err != nil {
		return false, fmt.Errorf("incident: %w", err)
	}
	old, known := s.disk[id]
	s.disk[id] = seenFile{stat: seen(fi, observed), data: data}
	if known && bytes.Equal(old.data, data) && s.all[id] != nil {
		return false, nil
	}
	var inc Incident
	if err := json.Unmarshal(data, &inc); err != nil || inc.ID != id {
		// Writes are atomic, so this is damage from outside; refuse
		// rather than silently drop an incident's record.
		delete(s.disk, id)
		return false, fmt.Errorf("incident: %s.json is damaged (%v); move it away to continue", id, err)
	}
	s.all[id] = &inc
	return true, nil
}
