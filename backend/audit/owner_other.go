//go:build !unix && !windows

package audit

import "os"

// lockFile cannot lock between processes here (plan9, wasm): it says the
// lock is held, so no owner is ever taken for dead.
func lockFile(*os.File, bool) (bool, error) { return false, nil }

// ownersKnown is false: an action without its after entry cannot be told
// interrupted from still running, and is left open.
const ownersKnown = false
