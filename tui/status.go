package tui

import (
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// sourceStatus is the header dot of a source: waiting, failing, stale or up.
func sourceStatus(s backend.SourceStatus, now time.Time) backend.Status {
	switch {
	case s.Pending():
		return backend.StatusUnknown
	case !s.OK && s.UpdatedAt.IsZero():
		return backend.StatusDown
	case s.Stale(now):
		return backend.StatusWarn
	default:
		return backend.StatusUp
	}
}

func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(int(d.Seconds()), 0))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	default:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
}
