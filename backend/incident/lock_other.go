//go:build !unix && !windows

package incident

// locked runs fn. On systems with neither flock(2) nor LockFileEx (plan9,
// wasm) there is no lock between processes: only s.mu, held by the
// caller, serialises this Store's own mutations, so sharing a state
// directory between processes is safe on unix and Windows only.
func (s *Store) locked(fn func() error) error { return fn() }
