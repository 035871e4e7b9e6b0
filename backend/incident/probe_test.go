package incident

import (
	"testing"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/drtree"
)

// fleetSnap is a snapshot whose docker source (inventory) and postgres
// source (databases) answered at t0, unless up is false: then docker's last
// fetch failed long ago.
func fleetSnap(up bool, services []backend.Service, dbs []backend.DBPool) backend.Snapshot {
	docker := backend.SourceStatus{Name: "docker", Feeds: []backend.Feed{backend.FeedInventory}, OK: true, UpdatedAt: t0, LastAttempt: t0}
	if !up {
		docker.OK, docker.Err = false, "connection refused"
	}
	pg := backend.SourceStatus{Name: "postgres", Feeds: []backend.Feed{backend.FeedDatabases}, OK: true, UpdatedAt: t0, LastAttempt: t0}
	return backend.Snapshot{At: t0, Sources: []backend.SourceStatus{docker, pg}, Services: services, Databases: dbs}
}

func svc(name string, cs ...backend.Container) backend.Service {
	return backend.Service{Name: name, Containers: cs}
}

func ctr(name string, st backend.ContainerState, h backend.Health) backend.Container {
	return backend.Container{Name: name, State: st, Health: h}
}

func TestLiveProbe(t *testing.T) {
	running := ctr("chat-backend-1", backend.StateRunning, backend.HealthHealthy)
	sick := ctr("chat-backend-2", backend.StateRunning, backend.HealthUnhealthy)
	exited := ctr("chat-backend-2", backend.StateExited, "")
	healthy := fleetSnap(true, []backend.Service{svc("chat-backend", running, running), svc("web", running)},
		[]backend.DBPool{{Name: "chat", Up: true}, {Name: "pics", Up: false}})
	for _, c := range []struct {
		name     string
		snap     backend.Snapshot
		live     string
		vars     drtree.Vars
		yes      bool
		evidence string
		known    bool
	}{
		{"passing", healthy, drtree.LiveHealthPassing, drtree.Vars{"service": "chat-backend"}, true, "2/2 containers running and healthy", true},
		{"not failing", healthy, drtree.LiveHealthFailing, drtree.Vars{"service": "chat-backend"}, false, "2/2 containers running and healthy", true},
		{"unhealthy", fleetSnap(true, []backend.Service{svc("chat-backend", running, sick)}, nil), drtree.LiveHealthFailing,
			drtree.Vars{"service": "chat-backend"}, true, "chat-backend-2 is unhealthy", true},
		{"exited", fleetSnap(true, []backend.Service{svc("chat-backend", exited)}, nil), drtree.LiveHealthPassing,
			drtree.Vars{"service": "chat-backend"}, false, "chat-backend-2 is exited", true},
		{"no containers", fleetSnap(true, []backend.Service{svc("chat-backend")}, nil), drtree.LiveHealthFailing,
			drtree.Vars{"service": "chat-backend"}, true, "chat-backend has no containers", true},
		{"unknown service", healthy, drtree.LiveHealthFailing, drtree.Vars{"service": "nope"}, false, "nope not in the inventory", false},
		{"no service var", healthy, drtree.LiveHealthFailing, drtree.Vars{}, false, "", false},
		{"inventory failing", fleetSnap(false, nil, nil), drtree.LiveHealthFailing, drtree.Vars{"service": "chat-backend"},
			false, "docker: connection refused", false},
		{"inventory pending", backend.Snapshot{At: t0, Sources: []backend.SourceStatus{{Name: "docker", Feeds: []backend.Feed{backend.FeedInventory}}}},
			drtree.LiveHealthFailing, drtree.Vars{"service": "chat-backend"}, false, "inventory not loaded yet", false},
		{"fleet healthy", healthy, drtree.LiveServicesHealthy, drtree.Vars{}, true, "all 2 services running and healthy", true},
		{"fleet not healthy", fleetSnap(true, []backend.Service{svc("chat-backend", sick), svc("web", running)}, nil),
			drtree.LiveServicesHealthy, drtree.Vars{}, false, "1 of 2 not healthy: chat-backend", true},
		{"fleet empty", fleetSnap(true, nil, nil), drtree.LiveServicesHealthy, drtree.Vars{}, true, "no services known", false},
		{"services healthy, one service", healthy, drtree.LiveServicesHealthy, drtree.Vars{"service": "web"}, true, "1/1 containers running and healthy", true},
		{"db up", healthy, drtree.LiveDatabaseUp, drtree.Vars{"database": "chat"}, true, "chat answers", true},
		{"db down", healthy, drtree.LiveDatabaseDown, drtree.Vars{"database": "pics"}, true, "pics does not answer", true},
		{"db not down", healthy, drtree.LiveDatabaseDown, drtree.Vars{"database": "chat"}, false, "chat answers", true},
		{"db unwatched", healthy, drtree.LiveDatabaseUp, drtree.Vars{"database": "x"}, false, "x is not watched", false},
		{"server up", healthy, drtree.LiveServerDown, drtree.Vars{}, false, "3/3 containers running", true},
		{"server down", fleetSnap(true, []backend.Service{svc("chat-backend", exited)}, nil), drtree.LiveServerDown, drtree.Vars{}, true, "0/1 containers running", true},
		{"server unreachable", fleetSnap(false, nil, nil), drtree.LiveServerDown, drtree.Vars{}, true, "docker: connection refused", true},
		{"server unknown", fleetSnap(true, nil, nil), drtree.LiveServerDown, drtree.Vars{}, false, "no containers known", false},
		{"unknown question", healthy, "moon_phase", drtree.Vars{}, false, "", false},
	} {
		yes, evidence, known := LiveProbe(c.snap)(c.live, c.vars)
		if yes != c.yes || evidence != c.evidence || known != c.known {
			t.Errorf("%s: %s %v = %v %q %v, want %v %q %v", c.name, c.live, c.vars, yes, evidence, known, c.yes, c.evidence, c.known)
		}
	}
}
