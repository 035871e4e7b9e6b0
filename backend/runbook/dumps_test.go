package runbook

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDumpsStrict(t *testing.T) {
	out := "1764212400.5000000000 2048 chat-2025-11-27.dump\x00\n" +
		"1764126000 1024 chat-2025-11-26.dump\x00\n" +
		"1764300000.0 10 evil\nname.dump\x00\n" + // a newline in the name: one record, skipped
		"1764300001.0 10 a b.dump\x00\n" +
		"1764300002.0 0 empty.dump\x00\n" +
		"1764300003.0 10 -rf.dump\x00\n" +
		"1764300004.0 10 $(id).dump\x00"
	ds, skipped, err := parseDumps("/var/backups/chat", out)
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 5 || len(ds) != 2 {
		t.Fatalf("got %+v, skipped %d; want 2 dumps, 5 skipped", ds, skipped)
	}
	if ds[0].Path != "/var/backups/chat/chat-2025-11-27.dump" || ds[0].Size != 2048 ||
		!ds[0].ModTime.Equal(time.Unix(1764212400, 500_000_000)) || ds[1].Path != "/var/backups/chat/chat-2025-11-26.dump" {
		t.Fatalf("got %+v, want the 27th first with its size and time", ds)
	}
	for _, bad := range []string{
		"1764212400 2048 x.dump",            // unterminated (cut output)
		"1764212400 x.dump\x00\n",           // no size
		"-1 5 x.dump\x00\n",                 // signed time
		"17642 +5 x.dump\x00\n",             // signed size
		"1.2.3 5 x.dump\x00\n",              // bad fraction
		"find: unknown predicate -printf\n", // not GNU find
		"1 5 a.dump\x001 5 b.dump\x00\n",    // records not separated by the newline
	} {
		if ds, _, err := parseDumps("/d", bad); err == nil {
			t.Errorf("parseDumps(%q) = %+v, want an error", bad, ds)
		}
	}
}

// The listing command against real GNU find on a local directory: odd
// names, symlinks, empty files and other patterns are not offered.
func TestDumpsWithRealFind(t *testing.T) {
	dir := t.TempDir()
	now := time.Now().Truncate(time.Second)
	write := func(name string, size int, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	write("chat-old.dump", 10, 48*time.Hour)
	write("chat-new.dump", 20, 2*time.Hour)
	write("evil\nx.dump", 5, time.Hour)
	write("x; touch pwned.dump", 5, time.Hour)
	write("empty.dump", 0, time.Hour)
	write("notes.txt", 5, time.Minute)
	if err := os.Mkdir(filepath.Join(dir, "sub.dump"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link.dump")); err != nil {
		t.Fatal(err)
	}
	e := &RestoreExecutor{Runner: localShell{}, Hosts: testHosts,
		Databases: []DatabaseSpec{{Name: "chat", Host: "tb-db", DumpDir: dir}}}
	ds, err := e.Dumps(context.Background(), "chat")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Path != dir+"/chat-new.dump" || ds[0].Size != 20 || !ds[0].ModTime.Equal(now.Add(-2*time.Hour)) ||
		ds[1].Path != dir+"/chat-old.dump" {
		t.Fatalf("Dumps = %+v", ds)
	}
	newest, err := e.NewestBackup(context.Background(), "chat")
	if err != nil || !newest.Equal(now.Add(-2*time.Hour)) {
		t.Fatalf("NewestBackup = %v, %v", newest, err)
	}
	e.Databases[0].DumpDir = filepath.Join(dir, "missing")
	if _, err := e.Dumps(context.Background(), "chat"); err == nil || !strings.Contains(err.Error(), "No such file") {
		t.Fatalf("missing dir: %v", err)
	}
}
