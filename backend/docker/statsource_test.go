package docker

import (
	"slices"
	"testing"

	"github.com/manacore/opsdeck/backend"
)

// Only running containers of services no other source covers are sampled.
func TestStatTargetsSkipCoveredServices(t *testing.T) {
	services := []backend.Service{
		{Name: "chat-backend", Containers: []backend.Container{
			{ID: "a1", State: backend.StateRunning}, {ID: "a2", State: backend.StateRunning}}},
		{Name: "chat-web", Containers: []backend.Container{
			{ID: "b1", State: backend.StateRunning}, {ID: "b2", State: backend.StateExited}}},
		{Name: "picture-backend", Containers: []backend.Container{{ID: "c1", State: backend.StateRunning}}},
	}

	ids, owner := statTargets(services, nil)
	if want := []string{"a1", "a2", "b1", "c1"}; !slices.Equal(ids, want) {
		t.Errorf("without coverage: ids %v, want %v (running containers only)", ids, want)
	}
	if owner["a2"] != "chat-backend" || owner["c1"] != "picture-backend" {
		t.Errorf("owner map %v", owner)
	}

	promHas := map[string]bool{"chat-backend": true, "picture-backend": true}
	ids, owner = statTargets(services, func(name string) bool { return promHas[name] })
	if want := []string{"b1"}; !slices.Equal(ids, want) {
		t.Errorf("with chat-backend and picture-backend covered: ids %v, want %v", ids, want)
	}
	if _, asked := owner["a1"]; asked {
		t.Error("covered service's container is in the owner map")
	}

	ids, _ = statTargets(services, func(string) bool { return true })
	if len(ids) != 0 {
		t.Errorf("everything covered: ids %v, want none", ids)
	}
}
