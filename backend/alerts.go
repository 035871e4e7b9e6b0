package backend

import (
	"slices"
	"strings"
)

// SortAlerts orders alerts as the seed's ACTIVE ALERTS panel: firing before
// pending before silenced, critical before warning before info, newest
// first; name and service break ties so the order never changes between
// polls.
func SortAlerts(as []Alert) {
	slices.SortStableFunc(as, func(a, b Alert) int {
		if d := alertStateRank(a.State) - alertStateRank(b.State); d != 0 {
			return d
		}
		if d := SeverityRank(a.Severity) - SeverityRank(b.Severity); d != 0 {
			return d
		}
		if c := b.Since.Compare(a.Since); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Service, b.Service)
	})
}

func alertStateRank(s AlertState) int {
	switch s {
	case AlertFiring:
		return 0
	case AlertSilenced:
		return 2
	}
	return 1
}

// SeverityRank is 0 for critical, 1 for warning, 2 for info and anything
// else.
func SeverityRank(s Severity) int {
	switch s {
	case SeverityCritical:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}
