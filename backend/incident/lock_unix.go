//go:build unix

package incident

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// locked runs fn holding an exclusive flock(2) on <dir>/.lock, which
// excludes every other Store on the directory, in this process or another
// (the lock belongs to the open file, not the process). The kernel drops
// it when a holder dies, so a killed console cannot wedge the others.
// Called with s.mu held.
func (s *Store) locked(fn func() error) error {
	f, err := os.OpenFile(filepath.Join(s.dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("incident: lock: %w", err)
	}
	defer f.Close() // closing releases the lock too
	fd := int(f.Fd())
	for {
		err = unix.Flock(fd, unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("incident: lock: %w", err)
	}
	defer func() { _ = unix.Flock(fd, unix.LOCK_UN) }()
	return fn()
}
