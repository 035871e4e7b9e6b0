package incident

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend/drtree"
)

var t0 = time.Date(2025, 11, 27, 12, 34, 0, 0, time.UTC)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestStoreLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "incidents")
	s, open, err := Open(dir)
	if err != nil || open != nil {
		t.Fatalf("open empty: %v %v", open, err)
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("dir mode %o", m)
	}
	inc, err := s.Start(Incident{Title: "Service Downtime - chat-backend", Started: t0}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, filepath.Join(dir, inc.ID+".json")); m != 0o600 {
		t.Errorf("file mode %o", m)
	}
	if len(inc.PostIncident) != 6 || inc.Status != StatusInvestigating || len(inc.Timeline) != 1 {
		t.Fatalf("new incident %+v", inc)
	}
	if _, err := s.Start(Incident{Title: "another", Started: t0}, "bob"); !errors.Is(err, ErrOpenIncident) {
		t.Fatalf("second open incident: %v", err)
	}
	if err := s.AddEvent(inc.ID, Event{At: t0.Add(time.Minute), Actor: "alice", Kind: EventAction, Text: "Container restarted"}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := s.Update(inc.ID, func(i *Incident) error { i.RootCause = "half-done"; return boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}

	// The wizard's walk is stored and resumes at the same node.
	tr := drtree.Default()
	w := tr.Start(t0)
	if err := w.Choose(0, "alice", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWalk(inc.ID, w.State(), w.Branch()); err != nil {
		t.Fatal(err)
	}

	s2, open, err := Open(dir)
	if err != nil || open == nil {
		t.Fatalf("reopen: %v %v", open, err)
	}
	want, _ := s.Get(inc.ID)
	if !reflect.DeepEqual(open, want) {
		t.Fatalf("reopened incident differs:\n%+v\n%+v", open, want)
	}
	if open.RootCause != "" || open.Branch != "Service crash" || open.RTO != 2*time.Minute {
		t.Errorf("reopened root cause %q branch %q rto %s", open.RootCause, open.Branch, open.RTO)
	}
	w2, err := tr.Resume(open.Walk)
	if err != nil || w2.Current().ID != "sc_health_failing" {
		t.Fatalf("resume: %v %v", w2, err)
	}

	if err := s2.Resolve(inc.ID, t0.Add(4*time.Minute), "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s2.Resolve(inc.ID, t0.Add(5*time.Minute), "alice"); err == nil {
		t.Error("resolved twice")
	}
	if err := s2.TickPostIncident(inc.ID, 0, true); err != nil {
		t.Fatal(err)
	}
	s3, open, err := Open(dir)
	if err != nil || open != nil {
		t.Fatalf("after resolve: open %v %v", open, err)
	}
	l := s3.List()
	if len(l) != 1 || l[0].Status != StatusResolved || !l[0].PostIncident[0].Done || l[0].Elapsed(t0.Add(time.Hour)) != 4*time.Minute {
		t.Fatalf("list %+v", l)
	}
	if _, err := s3.Get("20250101-0000-000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get unknown: %v", err)
	}
	// A new incident may start once the last is resolved.
	if _, err := s3.Start(Incident{Title: "next", Started: t0.Add(time.Hour)}, "bob"); err != nil {
		t.Fatal(err)
	}
	if l := s3.List(); len(l) != 2 || l[0].Title != "next" {
		t.Errorf("list newest first: %v", l)
	}
}

func TestOpenTightensDirAndDropsTemps(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, tmpPrefix+"x.json-123")
	if err := os.WriteFile(stale, []byte("{half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("dir mode %o", m)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file still there: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "20251127-1234-abcdef.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(dir); err == nil {
		t.Error("a damaged incident file was silently ignored")
	}
}

func TestConcurrentEvents(t *testing.T) {
	dir := t.TempDir()
	s, _, _ := Open(dir)
	inc, err := s.Start(Incident{Title: "t", Started: t0}, "a")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				if err := s.AddEvent(inc.ID, Event{At: t0, Kind: EventNote, Text: fmt.Sprintf("%d/%d", g, i)}); err != nil {
					t.Error(err)
				}
				_ = s.List()
			}
		}()
	}
	wg.Wait()
	_, open, err := Open(dir)
	if err != nil || len(open.Timeline) != 41 {
		t.Fatalf("events after concurrent adds: %d %v", len(open.Timeline), err)
	}
}

func TestTargets(t *testing.T) {
	inc := &Incident{Started: t0, RTO: 2 * time.Minute}
	if met, has := inc.RTOMet(t0.Add(90 * time.Second)); !met || !has {
		t.Error("90s against 2m not met")
	}
	if met, _ := inc.RTOMet(t0.Add(3 * time.Minute)); met {
		t.Error("3m against 2m met")
	}
	inc.Resolved = t0.Add(time.Minute)
	if met, _ := inc.RTOMet(t0.Add(time.Hour)); !met || inc.Elapsed(t0.Add(time.Hour)) != time.Minute {
		t.Error("a resolved incident keeps counting")
	}
	if _, has := (&Incident{}).RTOMet(t0); has {
		t.Error("no target reported as one")
	}
	for _, c := range []struct {
		age, target time.Duration
		want        string
		met         bool
	}{
		{3*time.Hour + 12*time.Minute, 24 * time.Hour, "RPO at stake: 3h12m (target < 24h)", true},
		{30 * time.Hour, 24 * time.Hour, "RPO at stake: 30h (target < 24h): exceeded", false},
		{50 * time.Hour, 0, "RPO at stake: 2d2h (no target)", true},
	} {
		if v := RPOVerdict(c.age, c.target); v.Text != c.want || v.Met != c.met {
			t.Errorf("RPOVerdict(%s, %s) = %+v, want %q %v", c.age, c.target, v, c.want, c.met)
		}
	}
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45 s", 4 * time.Minute: "4 min", 2 * time.Hour: "2 hours",
		time.Hour: "1 hour", 65 * time.Minute: "1 h 05 min",
	} {
		if got := Human(d); got != want {
			t.Errorf("Human(%s) = %q, want %q", d, got, want)
		}
	}
}

// The RTO clock counts seconds: at 2m50s of a 2-minute RTO it says how
// far over, never "2m" as if still within it.
func TestRTOClock(t *testing.T) {
	inc := &Incident{Started: t0, RTO: 2 * time.Minute}
	for _, c := range []struct {
		at   time.Duration
		want string
		met  bool
	}{
		{0, "0:00 of RTO 2 min, 2:00 left", true},
		{70 * time.Second, "1:10 of RTO 2 min, 0:50 left", true},
		{2 * time.Minute, "2:00 of RTO 2 min, 0:00 left", true},
		{170*time.Second + 900*time.Millisecond, "2:50 of RTO 2 min, 0:50 over", false},
		{time.Hour + 2*time.Minute + 5*time.Second, "1:02:05 of RTO 2 min, 1:00:05 over", false},
	} {
		if got, met := inc.RTOClock(t0.Add(c.at)); got != c.want || met != c.met {
			t.Errorf("at %s: %q (met %v), want %q (met %v)", c.at, got, met, c.want, c.met)
		}
	}
	if got, met := (&Incident{Started: t0}).RTOClock(t0.Add(95 * time.Second)); got != "1:35" || !met {
		t.Errorf("no RTO: %q %v", got, met)
	}
}
