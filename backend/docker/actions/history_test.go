package actions

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

func svc(name string, images ...string) backend.Service {
	s := backend.Service{Name: name}
	for _, im := range images {
		s.Containers = append(s.Containers, backend.Container{Image: im})
	}
	return s
}

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestHistoryPreviousIsMostRecentlySeenOther(t *testing.T) {
	h, err := LoadHistory("", 5)
	if err != nil {
		t.Fatal(err)
	}
	observe := func(min int, images ...string) {
		t.Helper()
		if err := h.Observe([]backend.Service{svc("chat-backend", images...)}, t0.Add(time.Duration(min)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := h.Previous("chat-backend", []string{"app:v1"}); ok {
		t.Fatal("previous version of a service never seen")
	}
	observe(0, "app:v1")
	if p, ok := h.Previous("chat-backend", []string{"app:v1"}); ok {
		t.Fatalf("only one version seen, got previous %+v", p)
	}
	observe(1, "app:v1")
	observe(2, "app:v2")
	if p, _ := h.Previous("chat-backend", []string{"app:v2"}); p.Ref != "app:v1" {
		t.Fatalf("previous of v2 = %q, want app:v1", p.Ref)
	}
	observe(3, "app:v3")
	if p, _ := h.Previous("chat-backend", []string{"app:v3"}); p.Ref != "app:v2" {
		t.Fatalf("previous of v3 = %q, want app:v2", p.Ref)
	}
	// Rolled back to v2: undoing the rollback goes to v3, the last one
	// seen running besides v2 (as kubectl rollout undo would).
	observe(4, "app:v2")
	if p, _ := h.Previous("chat-backend", []string{"app:v2"}); p.Ref != "app:v3" {
		t.Fatalf("previous after rollback = %q, want app:v3", p.Ref)
	}
	// Mid-rollout, both run: previous is neither of them.
	observe(5, "app:v2", "app:v4")
	if p, _ := h.Previous("chat-backend", []string{"app:v2", "app:v4"}); p.Ref != "app:v3" {
		t.Fatalf("previous during rollout = %q, want app:v3", p.Ref)
	}
	seen := h.Seen("chat-backend")
	if len(seen) != 4 || seen[0].Ref != "app:v1" || !seen[0].FirstSeen.Equal(t0) || !seen[0].LastSeen.Equal(t0.Add(time.Minute)) {
		t.Fatalf("seen %+v", seen)
	}
}

func TestHistoryBounded(t *testing.T) {
	h, _ := LoadHistory("", 3)
	for i := range 6 {
		if err := h.Observe([]backend.Service{svc("s", "app:v"+string(rune('0'+i)))}, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	seen := h.Seen("s")
	var refs []string
	for _, s := range seen {
		refs = append(refs, s.Ref)
	}
	if got := strings.Join(refs, ","); got != "app:v3,app:v4,app:v5" {
		t.Fatalf("kept %s, want the 3 most recent", got)
	}
}

func TestHistoryPersistsAtomicallyAndOnlyOnChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "versions.json")
	h, err := LoadHistory(path, 5)
	if err != nil {
		t.Fatal(err)
	}
	services := []backend.Service{svc("chat-backend", "opsdeck-fleetsvc:v1.0.0"), svc("chat-web", "opsdeck-fleetsvc:v1.0.0")}
	if err := h.Observe(services, t0); err != nil {
		t.Fatal(err)
	}
	st1, err := os.Stat(path)
	if err != nil {
		t.Fatalf("not written: %v", err)
	}
	// The same images again: nothing to write.
	if err := os.Chtimes(path, t0, t0); err != nil {
		t.Fatal(err)
	}
	if err := h.Observe(services, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if st2, _ := os.Stat(path); !st2.ModTime().Equal(t0) {
		t.Fatalf("rewritten without a change (mtime %v, size %d→%d)", st2.ModTime(), st1.Size(), st2.Size())
	}
	services[0] = svc("chat-backend", "opsdeck-fleetsvc:v1.1.0")
	if err := h.Observe(services, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := h.SetImageID("chat-backend", "opsdeck-fleetsvc:v1.0.0", "sha256:"+strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}

	// A restart: the history comes back from the file.
	h2, err := LoadHistory(path, 5)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := h2.Previous("chat-backend", []string{"opsdeck-fleetsvc:v1.1.0"})
	if !ok || p.Ref != "opsdeck-fleetsvc:v1.0.0" || p.ImageID != "sha256:"+strings.Repeat("a", 64) || !p.FirstSeen.Equal(t0) {
		t.Fatalf("after reload previous = %+v, %v", p, ok)
	}
	if _, ok := h2.Previous("chat-web", []string{"opsdeck-fleetsvc:v1.0.0"}); ok {
		t.Fatal("chat-web has no previous version")
	}
}

func TestHistoryCorruptFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "versions.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadHistory(path, 5); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
	if _, err := New(nil, Options{StateFile: path}); err == nil {
		t.Fatal("New accepted a corrupt state file")
	}
}

func TestHistoryIgnoresBadNames(t *testing.T) {
	h, _ := LoadHistory("", 5)
	_ = h.Observe([]backend.Service{svc("bad name", "app:v1"), svc("ok", "app:v1; rm -rf /", "app:v2")}, t0)
	if len(h.Seen("bad name")) != 0 {
		t.Error("kept a service whose name is not an identifier")
	}
	if seen := h.Seen("ok"); len(seen) != 1 || seen[0].Ref != "app:v2" {
		t.Errorf("seen %+v, want only app:v2", seen)
	}
}

// The memo of checked references answers as the check does, every time,
// and stays bounded however many references pass through.
func TestHistoryRememberedRefsStayChecked(t *testing.T) {
	h, _ := LoadHistory("", 5)
	for i := range 3 {
		_ = h.Observe([]backend.Service{svc("ok", "app:v1; rm -rf /", "app:v2")}, t0.Add(time.Duration(i)*time.Second))
		if seen := h.Seen("ok"); len(seen) != 1 || seen[0].Ref != "app:v2" {
			t.Fatalf("observation %d: seen %+v, want only app:v2", i+1, seen)
		}
	}
	var c refCheck
	for i := range maxRefs + 10 {
		ref := fmt.Sprintf("app:v%d", i)
		if !c.valid(ref) || c.valid(ref+" x") {
			t.Fatalf("%q checked wrong", ref)
		}
		if len(c) > maxRefs {
			t.Fatalf("memo holds %d references, bound %d", len(c), maxRefs)
		}
	}
}

func TestValidImageRef(t *testing.T) {
	for _, ok := range []string{"opsdeck-fleetsvc:v1.0.0", "app", "registry.local:5000/team/app:1.2", "app@sha256:" + strings.Repeat("0", 64),
		"sha256:" + strings.Repeat("f", 64), "3f2a9c1b04d2", "my_app__x:latest"} {
		if !validImageRef(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "-app", "app:v1 --privileged", "app;ls", "App:v1", "app:", "app:-x", "../app", "app@sha256:xyz", "app//x"} {
		if validImageRef(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
