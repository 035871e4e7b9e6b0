package incident

import "github.com/manacore/opsdeck/backend/atomicfile"

// tmpPrefix marks a half-written file; Open removes leftovers of a kill.
const tmpPrefix = atomicfile.TempPrefix

// ErrExists is matched when a file would be overwritten without leave.
var ErrExists = atomicfile.ErrExists

// writeAtomic writes an incident's file (0600: incidents name hosts and
// people) so it holds the old or the new content whatever happens.
func writeAtomic(path string, data []byte, overwrite bool) error {
	return atomicfile.Write(path, data, 0o600, overwrite)
}

// removeTemps deletes temp files a killed writer left behind.
func removeTemps(dir string) { atomicfile.RemoveTemps(dir) }
