package incident

import (
	"fmt"
	"strings"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// LiveProbe answers the decision tree's live questions from a snapshot:
// pure, no I/O, so a screen can suggest an answer on every refresh and the
// Desk takes it for AnswerLive. A question whose feed is failing or
// pending is unknown, never guessed.
func LiveProbe(s backend.Snapshot) drtree.Probe {
	return func(live string, vars drtree.Vars) (bool, string, bool) {
		switch live {
		case drtree.LiveServicesHealthy:
			if vars["service"] == "" {
				failing, why, ok := fleetFailing(s)
				return !failing, why, ok
			}
			failing, why, ok := serviceFailing(s, vars["service"])
			return !failing, why, ok
		case drtree.LiveHealthFailing, drtree.LiveHealthPassing:
			failing, why, ok := serviceFailing(s, vars["service"])
			if !ok {
				return false, why, false
			}
			if live == drtree.LiveHealthFailing {
				return failing, why, true
			}
			return !failing, why, true
		case drtree.LiveDatabaseDown, drtree.LiveDatabaseUp:
			down, why, ok := databaseDown(s, vars["database"])
			if !ok {
				return false, why, false
			}
			if live == drtree.LiveDatabaseDown {
				return down, why, true
			}
			return !down, why, true
		case drtree.LiveServerDown:
			return serverDown(s)
		}
		return false, "", false
	}
}

func feedUsable(s backend.Snapshot, f backend.Feed) (string, bool) {
	st := s.Feed(f)
	switch {
	case st.Pending:
		return string(f) + " not loaded yet", false
	case st.Err != "":
		return st.Err, false
	}
	return "", true
}

// serviceFailing: a service fails its health check when a container is not
// running or is unhealthy.
func serviceFailing(s backend.Snapshot, name string) (bool, string, bool) {
	if name == "" {
		return false, "", false
	}
	if why, ok := feedUsable(s, backend.FeedInventory); !ok {
		return false, why, false
	}
	svc, ok := s.Service(name)
	if !ok {
		return false, name + " not in the inventory", false
	}
	if len(svc.Containers) == 0 {
		return true, name + " has no containers", true
	}
	for _, c := range svc.Containers {
		if c.State != backend.StateRunning {
			return true, fmt.Sprintf("%s is %s", c.Name, c.State), true
		}
		if c.Health == backend.HealthUnhealthy {
			return true, c.Name + " is unhealthy", true
		}
	}
	return false, fmt.Sprintf("%d/%d containers running and healthy", len(svc.Containers), len(svc.Containers)), true
}

// fleetFailing: some service of the fleet is not running or unhealthy.
func fleetFailing(s backend.Snapshot) (bool, string, bool) {
	if why, ok := feedUsable(s, backend.FeedInventory); !ok {
		return false, why, false
	}
	var bad []string
	for _, svc := range s.Services {
		if !svc.Running() {
			bad = append(bad, svc.Name)
		}
	}
	switch {
	case len(s.Services) == 0:
		return false, "no services known", false
	case len(bad) == 0:
		return false, fmt.Sprintf("all %d services running and healthy", len(s.Services)), true
	}
	return true, fmt.Sprintf("%d of %d not healthy: %s", len(bad), len(s.Services), strings.Join(bad, ", ")), true
}

func databaseDown(s backend.Snapshot, name string) (bool, string, bool) {
	if name == "" {
		return false, "", false
	}
	if why, ok := feedUsable(s, backend.FeedDatabases); !ok {
		return false, why, false
	}
	for _, d := range s.Databases {
		if d.Name == name {
			if d.Up {
				return false, name + " answers", true
			}
			return true, name + " does not answer", true
		}
	}
	return false, name + " is not watched", false
}

// serverDown: the whole server is down when no container of the fleet
// runs, or the inventory source cannot reach the engine at all.
func serverDown(s backend.Snapshot) (bool, string, bool) {
	st := s.Feed(backend.FeedInventory)
	if st.Pending {
		return false, "inventory not loaded yet", false
	}
	if st.Err != "" && st.Stale {
		return true, st.Err, true
	}
	running, total := 0, 0
	for _, svc := range s.Services {
		for _, c := range svc.Containers {
			total++
			if c.State == backend.StateRunning {
				running++
			}
		}
	}
	if total == 0 {
		return false, "no containers known", false
	}
	return running == 0, fmt.Sprintf("%d/%d containers running", running, total), true
}
