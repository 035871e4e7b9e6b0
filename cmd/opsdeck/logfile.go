package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// logFileMax bounds opsdeck.log: past it the file becomes opsdeck.log.1
// (replacing the one before) and a new one starts, so the log never takes
// more than twice this on disk. A busy day at debug level fits.
const logFileMax = 5 << 20

// rotatingFile is opsdeck's own log file, shared by every opsdeck process
// of the user (the console, serve): each appends whole lines (O_APPEND), and
// whichever finds the file over the bound renames it.
type rotatingFile struct {
	path string
	max  int64

	mu   sync.Mutex
	f    *os.File
	size int64 // of f, as far as this process knows
}

// openLogFile opens (creating it 0600, its directory 0700) the log at path.
func openLogFile(path string, max int64) (*rotatingFile, error) {
	r := &rotatingFile{path: path, max: max}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p (one log line: slog writes each record at once),
// rotating first when p would take the file past the bound.
func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, fmt.Errorf("rotate %s: %w", r.path, err)
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate renames the file to .1 and opens a new one. When another process
// rotated it meanwhile, the name already holds a new file: this process
// only switches to it.
func (r *rotatingFile) rotate() error {
	mine, err := r.f.Stat()
	if err != nil {
		return err
	}
	if named, err := os.Stat(r.path); err == nil && os.SameFile(mine, named) {
		if err := os.Rename(r.path, r.path+".1"); err != nil {
			return err
		}
	}
	if err := r.f.Close(); err != nil {
		return err
	}
	r.f = nil
	return r.open()
}

func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
