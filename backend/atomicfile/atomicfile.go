// Package atomicfile writes a file so that it holds either its old or its
// new content whatever happens (a kill, a full disk, a crash): the state a
// console keeps (incidents, their reports, exported snapshots) is never
// found half written.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix marks a half-written file; RemoveTemps removes the leftovers
// of a writer that was killed.
const TempPrefix = ".tmp-"

// ErrExists is matched when a file would be overwritten without leave.
var ErrExists = fs.ErrExist

// Write puts data at path with mode perm: it writes a temp file in the same
// directory, fsyncs it, moves it into place and fsyncs the directory so
// the move itself is durable. Without overwrite, an existing path is
// refused (link(2) fails atomically on an existing name, so there is no
// check-then-write race).
func Write(path string, data []byte, perm fs.FileMode, overwrite bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, TempPrefix+base+"-*") // 0600 until it is complete
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return err
	}
	if overwrite {
		err = os.Rename(tmp, path)
	} else {
		err = os.Link(tmp, path)
		if err == nil {
			_ = os.Remove(tmp)
		} else if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w (not overwritten)", path, ErrExists)
		}
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RemoveTemps deletes the temp files a killed writer left in dir.
func RemoveTemps(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
