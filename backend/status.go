package backend

import "fmt"

// Status is the verdict shown as a coloured dot: the seed's legend
// (🟢 healthy, 🟡 warning, 🔴 down, ⚪ unknown) without emoji, whose cell
// width differs between terminals.
type Status int

const (
	StatusUnknown Status = iota
	StatusUp
	StatusWarn
	StatusDown
)

func (s Status) String() string {
	switch s {
	case StatusUp:
		return "up"
	case StatusWarn:
		return "warn"
	case StatusDown:
		return "down"
	default:
		return "unknown"
	}
}

// MarshalText encodes a status as its name ("up", "warn", ...).
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Worse returns the more severe of two statuses. Unknown ranks between up and
// warn: an unmonitored component is not a reason to page, but it is not
// healthy either.
func Worse(a, b Status) Status {
	if rank(a) >= rank(b) {
		return a
	}
	return b
}

func rank(s Status) int {
	switch s {
	case StatusUp:
		return 0
	case StatusUnknown:
		return 1
	case StatusWarn:
		return 2
	case StatusDown:
		return 3
	}
	return 1
}

// UnmarshalText reads a status name, so the JSON of `opsdeck status` round
// trips.
func (s *Status) UnmarshalText(b []byte) error {
	for _, st := range []Status{StatusUnknown, StatusUp, StatusWarn, StatusDown} {
		if st.String() == string(b) {
			*s = st
			return nil
		}
	}
	return fmt.Errorf("unknown status %q", b)
}
