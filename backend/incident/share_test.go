package incident

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Two Store values on one directory stand for two opsdeck processes: each
// has its own memory and its own open file for the lock.

func TestTwoStoresDoNotOverwriteEachOther(t *testing.T) {
	dir := t.TempDir()
	s1, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s2, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := s1.Start(Incident{Title: "t", Started: t0}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	// s2 never looked since it opened, yet its Start sees s1's incident.
	if _, err := s2.Start(Incident{Title: "u", Started: t0}, "bob"); !errors.Is(err, ErrOpenIncident) {
		t.Fatalf("second start on a stale store: %v", err)
	}
	// Each adds an event to its own, stale copy; neither is lost.
	for i, s := range []*Store{s2, s1, s2, s1} {
		if err := s.AddEvent(inc.ID, Event{At: t0, Kind: EventNote, Text: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, open, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(open.Timeline[1:]); got != "0 1 2 3" {
		t.Fatalf("timeline after alternating stores: %q, want \"0 1 2 3\"", got)
	}
}

func TestTwoStoresRaceEvents(t *testing.T) {
	dir := t.TempDir()
	s1, _, _ := Open(dir)
	s2, _, _ := Open(dir)
	inc, err := s1.Start(Incident{Title: "t", Started: t0}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if err := s.AddEvent(inc.ID, Event{At: t0, Kind: EventNote, Text: fmt.Sprintf("%d/%d", g, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	_, open, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	next := map[int]int{}
	for _, e := range open.Timeline[1:] {
		var g, i int
		if _, err := fmt.Sscanf(e.Text, "%d/%d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("event %q out of order", e.Text)
		}
		next[g]++
	}
	if next[0] != 50 || next[1] != 50 {
		t.Fatalf("events kept per store: %v, want 50 each", next)
	}
}

func TestStartAfterAnotherStoreResolved(t *testing.T) {
	dir := t.TempDir()
	s1, _, _ := Open(dir)
	inc, err := s1.Start(Incident{Title: "t", Started: t0}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	s2, open, _ := Open(dir)
	if open == nil {
		t.Fatal("s2 does not see the open incident")
	}
	if err := s1.Resolve(inc.ID, t0.Add(time.Minute), "ana"); err != nil {
		t.Fatal(err)
	}
	// s2 still believes it open; its Start reads it again and goes ahead.
	if _, err := s2.Start(Incident{Title: "next", Started: t0.Add(time.Hour)}, "bob"); err != nil {
		t.Fatalf("start after the other store resolved: %v", err)
	}
}

func TestReload(t *testing.T) {
	dir := t.TempDir()
	s1, _, _ := Open(dir)
	s2, _, _ := Open(dir)
	if changed, err := s2.Reload(); changed || err != nil {
		t.Fatalf("reload with nothing new: %v %v", changed, err)
	}
	inc, err := s1.Start(Incident{Title: "t", Started: t0}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := s2.Reload(); !changed || err != nil || s2.Current() == nil || s2.Current().ID != inc.ID {
		t.Fatalf("reload after a start elsewhere: %v %v %v", changed, err, s2.Current())
	}
	if changed, err := s2.Reload(); changed || err != nil {
		t.Fatalf("second reload: %v %v", changed, err)
	}
	// Its own writes are not news to a store.
	if err := s2.AddEvent(inc.ID, Event{At: t0, Kind: EventNote, Text: "mine"}); err != nil {
		t.Fatal(err)
	}
	if changed, err := s2.Reload(); changed || err != nil {
		t.Fatalf("reload after its own write: %v %v", changed, err)
	}
	if err := s1.Resolve(inc.ID, t0.Add(time.Minute), "ana"); err != nil {
		t.Fatal(err)
	}
	if changed, err := s2.Reload(); !changed || err != nil || s2.Current() != nil {
		t.Fatalf("reload after a resolve elsewhere: %v %v %v", changed, err, s2.Current())
	}
	got, _ := s2.Get(inc.ID)
	if texts(got.Timeline) != texts(mustGet(t, s1, inc.ID).Timeline) {
		t.Fatalf("reloaded timeline %q", texts(got.Timeline))
	}
	// A file moved away by hand is gone from the store.
	if err := os.Rename(filepath.Join(dir, inc.ID+".json"), filepath.Join(t.TempDir(), "x")); err != nil {
		t.Fatal(err)
	}
	if changed, err := s2.Reload(); !changed || err != nil || len(s2.List()) != 0 {
		t.Fatalf("reload after a removal: %v %v %v", changed, err, s2.List())
	}
}

// A second write in the same clock tick, of the same size, in place,
// leaves the stat as it was: a fresh stat is not trusted, so Reload
// still reads the file.
func TestReloadSeesAChangeInTheSameTick(t *testing.T) {
	dir := t.TempDir()
	s1, _, _ := Open(dir)
	inc, err := s1.Start(Incident{Title: "t", Started: t0, RootCause: "aaaa"}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := Open(dir)
	path := filepath.Join(dir, inc.ID+".json")
	fi, _ := os.Stat(path)
	di, _ := os.Stat(dir)
	data, _ := os.ReadFile(path)
	same := strings.Replace(string(data), `"aaaa"`, `"bbbb"`, 1)
	if err := os.WriteFile(path, []byte(same), 0o600); err != nil { // same inode, same size
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(dir, di.ModTime(), di.ModTime()); err != nil {
		t.Fatal(err)
	}
	if changed, err := s2.Reload(); !changed || err != nil || s2.Current().RootCause != "bbbb" {
		t.Fatalf("same-tick change missed: %v %v %q", changed, err, s2.Current().RootCause)
	}
}

func TestReloadRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	s, _, _ := Open(dir)
	bad := filepath.Join(dir, "20251127-1234-abcdef.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reload(); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("reload of a damaged file: %v", err)
	}
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reload(); err != nil {
		t.Fatalf("reload after the damage was moved away: %v", err)
	}
}

// BenchmarkReloadIdle is what a console pays per poll when nothing changed.
func BenchmarkReloadIdle(b *testing.B) {
	dir := b.TempDir()
	s, _, _ := Open(dir)
	for i := range 20 {
		inc, err := s.Start(Incident{Title: "t", Started: t0.Add(time.Duration(i) * time.Hour)}, "ana")
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Resolve(inc.ID, inc.Started.Add(time.Minute), "ana"); err != nil {
			b.Fatal(err)
		}
	}
	// Age the files and the directory past the racy window, as a console
	// idle for a few seconds sees them.
	old := time.Now().Add(-time.Hour)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		_ = os.Chtimes(filepath.Join(dir, e.Name()), old, old)
	}
	_ = os.Chtimes(dir, old, old)
	if _, err := s.Reload(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if changed, err := s.Reload(); changed || err != nil {
			b.Fatal(changed, err)
		}
	}
}

func texts(es []Event) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Text)
	}
	return strings.Join(out, " ")
}

func mustGet(t *testing.T, s *Store, id string) *Incident {
	t.Helper()
	inc, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}
