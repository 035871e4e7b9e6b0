package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A repository tracking a built binary, or a large file, is refused with
// the reason; sources, and a binary that is only ignored, pass.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("main.go", []byte("package main\n"))
	write(".gitignore", []byte("/ignored\n"))
	self, err := os.ReadFile(os.Args[0]) // this test binary: a real executable
	if err != nil {
		t.Fatal(err)
	}
	write("ignored", self)
	git("add", ".")
	if bad, err := check(dir); err != nil || len(bad) != 0 {
		t.Fatalf("clean repository: %v %v", bad, err)
	}

	write("opsdeck", self)
	write("dump.sql", []byte(strings.Repeat("insert into t values (1);\n", 100_000)))
	git("add", "opsdeck", "dump.sql")
	bad, err := check(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(bad, "\n")
	if len(bad) != 2 || !strings.Contains(got, "dump.sql: 2.5 MiB, over the 2 MiB") || !strings.Contains(got, "opsdeck: an ELF executable") {
		t.Fatalf("found:\n%s", got)
	}
}
