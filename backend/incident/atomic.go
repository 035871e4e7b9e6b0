package incident

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tmpPrefix marks a half-written file; Open removes leftovers of a kill.
const tmpPrefix = ".tmp-"

// ErrExists is matched when a file would be overwritten without leave.
var ErrExists = fs.ErrExist

// writeAtomic puts data at path so that path holds either the old or the
// new content whatever happens: write a temp file in the same directory,
// fsync it, move it into place, fsync the directory so the move itself is
// durable. Without overwrite, an existing path is refused (link(2) fails
// atomically on an existing name, so there is no check-then-write race).
func writeAtomic(path string, data []byte, overwrite bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, tmpPrefix+base+"-*") // 0600
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

// removeTemps deletes temp files a killed writer left behind.
func removeTemps(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
