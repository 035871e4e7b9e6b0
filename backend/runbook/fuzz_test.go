package runbook

import (
	"path"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend"
)

// FuzzParseDumps: whatever a remote find prints, parseDumps never panics
// and every dump it offers is a safe path under dir with a plain file
// name, a positive size, newest first, at most maxDumps of them.
func FuzzParseDumps(f *testing.F) {
	f.Add("/var/backups/chat", "1732621234.5 2048 chat-2026-11-26.dump\x00\n1732534834.0 1024 chat-2026-11-25.dump\x00\n")
	f.Add("/var/backups/chat", "1732621234 10 ../../etc/passwd\x00\n")
	f.Add("/var/backups/chat", "1732621234 10 a b\x00\n1732621234 0 empty.dump\x00")
	f.Add("/b", "-1 10 x.dump\x00\n")
	f.Add("/b", "1732621234 10 cut.dump")
	f.Add("/b", "")
	f.Fuzz(func(t *testing.T, dir, out string) {
		ds, refused, err := parseDumps(dir, out)
		skipped := len(refused)
		if err != nil {
			if len(ds) != 0 || skipped != 0 {
				t.Fatalf("error %v with %d dumps", err, len(ds))
			}
			if len(err.Error()) > 1000 { // %.60q of 60 runes, each at most \U0010ffff
				t.Fatalf("unbounded error: %d bytes", len(err.Error()))
			}
			return
		}
		if n := strings.Count(out, "\x00"); len(ds)+skipped > n || len(ds) > maxDumps {
			t.Fatalf("%d dumps + %d skipped from %d records", len(ds), skipped, n)
		}
		for i, d := range ds {
			if CheckDumpPath(d.Path) != nil || backend.PathElementProblem(path.Base(d.Path), false) != "" || d.Size <= 0 {
				t.Fatalf("offers unsafe dump %+v", d)
			}
			if path.Dir(d.Path) != path.Clean(dir) {
				t.Fatalf("dump %q outside %q", d.Path, dir)
			}
			if i > 0 && d.ModTime.After(ds[i-1].ModTime) {
				t.Fatalf("not newest first: %v after %v", ds[i-1].ModTime, d.ModTime)
			}
		}
	})
}
