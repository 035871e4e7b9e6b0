package actions

import (
	"context"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
)

// These plan errors come before any Docker call; the ones that need an
// engine (unknown service, no previous version, missing image) are in
// integration_test.go.
func TestPlanRefusesBeforeTouchingDocker(t *testing.T) {
	eng, err := docker.New(docker.Config{Name: "nowhere", Host: "unix:///nonexistent/docker.sock"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := New([]*docker.Engine{eng}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	none, _ := New(nil, Options{})
	for _, c := range []struct {
		x    *Executor
		a    backend.Action
		want string
	}{
		{x, backend.Action{Kind: backend.ActKindRestart, Target: "chat backend"}, `"chat backend" is not a valid name`},
		{x, backend.Action{Kind: backend.ActKindRestart, Target: "-x"}, "not a valid name"},
		{x, backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend", Params: map[string]string{"services": "a,b"}}, `unknown parameter "services"`},
		{x, backend.Action{Kind: backend.ActKindStop, Target: "chat", Params: map[string]string{"services": "chat-backend,chat web"}}, `service "chat web"`},
		{x, backend.Action{Kind: backend.ActKindStop, Target: "chat", Params: map[string]string{"services": "chat-backend,"}}, `service ""`},
		{x, backend.Action{Kind: backend.ActKindStart, Target: "chat", Params: map[string]string{"force": "1"}}, `unknown parameter "force"`},
		{x, backend.Action{Kind: backend.ActKindRollback, Target: "chat-backend", Params: map[string]string{"image": "app:v1 --privileged"}}, "not an image reference"},
		{x, backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend", Where: "docker@elsewhere"}, "no engine docker@elsewhere"},
		{x, backend.Action{Kind: backend.ActKindRestore, Target: "chat"}, "cannot restore"},
		{none, backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend"}, "no Docker engine configured"},
		// The engine's inventory is not followed (Run not started), so the
		// service is unknown and the error says why.
		{x, backend.Action{Kind: backend.ActKindRestart, Target: "chat-backend"}, "unknown service chat-backend: no container of it on docker@nowhere; not current: docker@nowhere"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*1e6)
		_, err := c.x.Plan(ctx, c.a)
		cancel()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s %v: err = %v, want it to contain %q", c.a.Kind, c.a.Target, c.a.Params, err, c.want)
		}
	}
}

func TestExecutorsCoverKinds(t *testing.T) {
	x, _ := New(nil, Options{})
	m := x.Executors()
	for _, k := range []backend.ActionKind{backend.ActKindRestart, backend.ActKindStop, backend.ActKindStart, backend.ActKindRollback} {
		if m[k] != x {
			t.Errorf("%s not served", k)
		}
	}
	if len(m) != 4 {
		t.Errorf("%d kinds, want 4", len(m))
	}
}
