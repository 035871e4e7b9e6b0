//go:build windows

package incident

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// locked runs fn holding an exclusive LockFileEx lock on <dir>/.lock,
// which excludes every other Store on the directory, in this process or
// another. Windows drops it when a holder dies. Called with s.mu held.
func (s *Store) locked(fn func() error) error {
	f, err := os.OpenFile(filepath.Join(s.dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("incident: lock: %w", err)
	}
	defer f.Close()
	h := windows.Handle(f.Fd())
	var ol windows.Overlapped // the first byte of the file is the lock
	if err := windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ol); err != nil {
		return fmt.Errorf("incident: lock: %w", err)
	}
	defer func() { _ = windows.UnlockFileEx(h, 0, 1, 0, &ol) }()
	return fn()
}
