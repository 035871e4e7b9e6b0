package runbook

import (
	"context"
	"errors"
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
	ds, refused, err := parseDumps("/var/backups/chat", out)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 5 || len(ds) != 2 {
		t.Fatalf("got %+v, refused %q; want 2 dumps, 5 refused", ds, refused)
	}
	// Each refusal names the file and why.
	want := []string{
		`"evil\nname.dump" holds '\n'; only letters, digits and _ . : + @ - are allowed`,
		`"a b.dump" holds ' '; only letters, digits and _ . : + @ - are allowed`,
		`"empty.dump" is empty`,
		`"-rf.dump" starts with '-', which a program would read as an option`,
		`"$(id).dump" holds '$'; only letters, digits and _ . : + @ - are allowed`,
	}
	if strings.Join(refused, "\n") != strings.Join(want, "\n") {
		t.Errorf("refused\n%s\nwant\n%s", strings.Join(refused, "\n"), strings.Join(want, "\n"))
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

// Dumps under a hidden directory (~/.cache/…, /home/ops/.backups) are
// offered like any other: only the dump's own name may not be hidden.
// When every file is refused, the error says which and why instead of
// "no dumps found".
func TestDumpsUnderAHiddenDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".cache", "opsdeck", "dumps")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chat-20261126-0300.dump"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &RestoreExecutor{Runner: localShell{}, Hosts: testHosts,
		Databases: []DatabaseSpec{{Name: "chat", Host: "tb-db", DumpDir: dir}}}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	ds, err := e.Dumps(context.Background(), "chat")
	if err != nil || len(ds) != 1 || ds[0].Path != dir+"/chat-20261126-0300.dump" {
		t.Fatalf("Dumps = %+v, %v; want the dump under the hidden directory", ds, err)
	}
	if err := os.Rename(filepath.Join(dir, "chat-20261126-0300.dump"), filepath.Join(dir, "chat 26.dump")); err != nil {
		t.Fatal(err)
	}
	_, err = e.Dumps(context.Background(), "chat")
	want := `database chat: no dumps found in ` + dir + ` (*.dump): 1 file refused, e.g. "chat 26.dump" holds ' '`
	if err == nil || !errors.Is(err, ErrNoDumps) || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err %v\nwant it to start %q", err, want)
	}
}

// A refused path names the element and why.
func TestCheckDumpPathSaysWhy(t *testing.T) {
	for p, want := range map[string]string{
		"/root/.cache/opsdeck/dumps/chat.dump": "",
		"/home/ops/.backups/chat.dump":         "",
		"/var/my dumps/chat.dump":              `refused dump path "/var/my dumps/chat.dump": element "my dumps" holds ' '; only letters, digits and _ . : + @ - are allowed`,
		"/var/-rf/chat.dump":                   `refused dump path "/var/-rf/chat.dump": element "-rf" starts with '-', which a program would read as an option`,
		"/var/backups/.chat.dump":              `refused dump path "/var/backups/.chat.dump": element ".chat.dump" starts with '.': a hidden file is not offered`,
		"/var/backups/../chat.dump":            `refused dump path "/var/backups/../chat.dump": is not clean (it reads /var/chat.dump)`,
		"chat.dump":                            `refused dump path "chat.dump": is not absolute`,
	} {
		got := ""
		if err := CheckDumpPath(p); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("CheckDumpPath(%q) = %q, want %q", p, got, want)
		}
	}
}
