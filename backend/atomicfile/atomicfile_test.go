package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesOrRefuses(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.md")
	if err := Write(p, []byte("one"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o644, false); !errors.Is(err, ErrExists) {
		t.Fatalf("second write without overwrite: %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "one" {
		t.Fatalf("refused write changed the file: %q", got)
	}
	if err := Write(p, []byte("two"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if got, _ := os.ReadFile(p); string(got) != "two" || err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after overwrite: %q, mode %v, %v", got, fi.Mode().Perm(), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temp files left: %v", ents)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, TempPrefix+"x.json-123")
	keep := filepath.Join(dir, "x.json")
	for _, p := range []string{stale, keep} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	RemoveTemps(dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("stale temp file kept")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Fatal("a real file was removed")
	}
}
