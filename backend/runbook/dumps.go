package runbook

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// Dump is a database dump file on its host.
type Dump struct {
	Path    string
	Size    int64
	ModTime time.Time
}

// ErrNoDumps is matched when a database's dump directory holds no usable dump.
var ErrNoDumps = errors.New("no dumps found")

// noDumps is ErrNoDumps for dir and pattern, saying why the files found
// there were not offered, when some were.
func noDumps(dir, pattern string, refused []string) error {
	if len(refused) == 0 {
		return fmt.Errorf("%w in %s (%s)", ErrNoDumps, dir, pattern)
	}
	return fmt.Errorf("%w in %s (%s): %s refused, e.g. %s", ErrNoDumps, dir, pattern, plural(len(refused), "file"), refused[0])
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

const (
	listTimeout = 30 * time.Second
	maxDumps    = 10000 // a listing longer than this is cut (oldest dropped)
)

// listArgv lists regular files (not symlinks) directly in dir matching
// pattern, one NUL-terminated record "mtime size name" each, followed by a
// newline so a normal record is one line. GNU find prints the name raw, so
// a name holding a newline spans lines: parseDumps rejoins and splits on
// NUL, and refuses names that are not plain.
func listArgv(dir, pattern string) []string {
	return []string{"find", dir + "/", "-maxdepth", "1", "-type", "f", "-name", pattern, "-printf", `%T@ %s %f\0\n`}
}

// Dumps lists the dumps of database db on its host, newest first. Files
// with names that are not plain (spaces, quotes, control bytes; see
// CheckDumpPath) or that are empty are not offered.
func (e *RestoreExecutor) Dumps(ctx context.Context, db string) ([]Dump, error) {
	spec, h, err := e.database(db)
	if err != nil {
		return nil, err
	}
	ds, refused, err := e.list(ctx, spec, h)
	if err == nil && len(ds) == 0 && len(refused) > 0 {
		err = fmt.Errorf("database %s: %w", db, noDumps(spec.dumpDir(), spec.pattern(), refused))
	}
	return ds, err
}

// NewestBackup is the modification time of the newest dump of db (for the
// live RPO: the age of the newest good backup).
func (e *RestoreExecutor) NewestBackup(ctx context.Context, db string) (time.Time, error) {
	ds, err := e.Dumps(ctx, db)
	if err != nil {
		return time.Time{}, err
	}
	if len(ds) == 0 {
		spec, _, _ := e.database(db)
		return time.Time{}, fmt.Errorf("database %s: %w", db, noDumps(spec.dumpDir(), spec.pattern(), nil))
	}
	return ds[0].ModTime, nil
}

// list runs the listing; refused says why each file found was not
// offered ("name" holds ' ').
func (e *RestoreExecutor) list(ctx context.Context, spec DatabaseSpec, h ssh.Host) ([]Dump, []string, error) {
	if e.Runner == nil {
		return nil, nil, errors.New("runbook: no SSH runner configured")
	}
	label := hostLabel(spec.Host, h)
	var lines []string
	var bytes int
	tooLong := false
	_, err := runStreamed(ctx, e.Runner, label, h, listArgv(spec.dumpDir(), spec.pattern()), listTimeout, nil, func(l ssh.Line) {
		if l.Stream != "stdout" || tooLong {
			return
		}
		bytes += len(l.Text) + 1
		if bytes > maxDumps*300 {
			tooLong = true
			return
		}
		lines = append(lines, l.Text)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list dumps of %s in %s: %w", spec.Name, spec.dumpDir(), err)
	}
	if tooLong {
		return nil, nil, fmt.Errorf("list dumps of %s in %s: listing too long (over %d files?)", spec.Name, spec.dumpDir(), maxDumps)
	}
	ds, refused, err := parseDumps(spec.dumpDir(), strings.Join(lines, "\n"))
	if err != nil {
		return nil, nil, fmt.Errorf("list dumps of %s on %s: %w", spec.Name, label, err)
	}
	return ds, refused, nil
}

// parseDumps reads the records of listArgv (its stdout lines joined with
// "\n" again). Numbers must parse exactly: they come before the name, so
// no file name can forge them, and a bad one means the listing itself is
// not what we asked for (a find without -printf). A record without its
// NUL terminator (cut output) is an error too.
func parseDumps(dir, out string) (ds []Dump, refused []string, err error) {
	if out == "" {
		return nil, nil, nil
	}
	recs := strings.Split(out, "\x00")
	if last := recs[len(recs)-1]; last != "" && last != "\n" {
		return nil, nil, fmt.Errorf("unterminated record %.60q in the listing", last)
	}
	recs = recs[:len(recs)-1]
	for i, r := range recs {
		if i > 0 { // each record but the first follows the previous one's "\0\n"
			if !strings.HasPrefix(r, "\n") {
				return nil, nil, fmt.Errorf("malformed record %.60q in the listing", r)
			}
			r = r[1:]
		}
		mt, rest, ok1 := strings.Cut(r, " ")
		sz, name, ok2 := strings.Cut(rest, " ")
		if !ok1 || !ok2 {
			return nil, nil, fmt.Errorf("malformed record %.60q in the listing", r)
		}
		t, err := parseEpoch(mt)
		if err != nil {
			return nil, nil, fmt.Errorf("malformed time in %.60q: %w", r, err)
		}
		size, err := strconv.ParseInt(sz, 10, 64)
		if err != nil || !allDigits(sz) {
			return nil, nil, fmt.Errorf("malformed size in %.60q", r)
		}
		p := path.Join(dir, name)
		switch why := backend.PathElementProblem(name, false); {
		case strings.Contains(name, "/"):
			refused = append(refused, fmt.Sprintf("%.60q holds '/'", name))
			continue
		case why != "":
			refused = append(refused, fmt.Sprintf("%.60q %s", name, why))
			continue
		case size == 0:
			refused = append(refused, fmt.Sprintf("%.60q is empty", name))
			continue
		case CheckDumpPath(p) != nil:
			refused = append(refused, CheckDumpPath(p).Error())
			continue
		}
		ds = append(ds, Dump{Path: p, Size: size, ModTime: t})
	}
	sort.SliceStable(ds, func(i, j int) bool {
		if !ds[i].ModTime.Equal(ds[j].ModTime) {
			return ds[i].ModTime.After(ds[j].ModTime)
		}
		return ds[i].Path > ds[j].Path
	})
	if len(ds) > maxDumps {
		ds = ds[:maxDumps]
	}
	return ds, refused, nil
}

// parseEpoch reads find's %T@: seconds, optionally with a fraction.
func parseEpoch(s string) (time.Time, error) {
	sec, frac, hasFrac := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || !allDigits(sec) {
		return time.Time{}, fmt.Errorf("bad seconds %q", s)
	}
	var ns int64
	if hasFrac {
		if !allDigits(frac) {
			return time.Time{}, fmt.Errorf("bad fraction %q", s)
		}
		if len(frac) > 9 {
			frac = frac[:9]
		}
		frac += strings.Repeat("0", 9-len(frac))
		ns, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(n, ns).UTC(), nil
}

// allDigits is true for a non-empty string of ASCII digits (ParseInt alone
// would take a sign).
func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
