package docker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
)

func healthInspect(status string, running bool, started time.Time, health *container.Health) container.InspectResponse {
	return container.InspectResponse{ContainerJSONBase: &container.ContainerJSONBase{
		Name: "/api-1",
		State: &container.State{Status: container.ContainerState(status), Running: running,
			StartedAt: started.Format(time.RFC3339Nano), Health: health},
	}}
}

func TestReadiness(t *testing.T) {
	before := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	after := before.Add(time.Second)
	probe := []*container.HealthcheckResult{{ExitCode: 1, Output: "health: 503 Service Unavailable\nmore text"}}
	for _, c := range []struct {
		name  string
		in    container.InspectResponse
		since time.Time
		ready bool
		text  string
	}{
		{"no health check, running", healthInspect("running", true, after, nil), before, true, ""},
		{"healthy", healthInspect("running", true, after, &container.Health{Status: "healthy"}), before, true, ""},
		{"old run still", healthInspect("running", true, before, &container.Health{Status: "healthy"}), before, false, "not started again yet (state running)"},
		{"any run will do", healthInspect("running", true, before, &container.Health{Status: "healthy"}), time.Time{}, true, ""},
		{"starting", healthInspect("running", true, after, &container.Health{Status: "starting"}), before, false, "health starting"},
		{"unhealthy", healthInspect("running", true, after, &container.Health{Status: "unhealthy", Log: probe}), before, false,
			"api-1 not ready: health unhealthy; last health probe: exit code 1: health: 503 Service Unavailable"},
		{"exited", func() container.InspectResponse {
			in := healthInspect("exited", false, after, nil)
			in.State.ExitCode = 3
			return in
		}(), before, false, "api-1 not ready: exited with code 3"},
		{"oom", func() container.InspectResponse {
			in := healthInspect("exited", false, after, nil)
			in.State.ExitCode, in.State.OOMKilled = 137, true
			return in
		}(), before, false, "exited: OOMKilled (exit code 137)"},
		{"restarting", func() container.InspectResponse {
			in := healthInspect("restarting", true, after, nil)
			in.State.Restarting, in.State.ExitCode = true, 1
			return in
		}(), before, false, "state restarting (last exit code 1)"},
	} {
		ready, nr := readiness(c.in, c.since)
		if ready != c.ready {
			t.Errorf("%s: ready %v, want %v", c.name, ready, c.ready)
		}
		if !ready && !strings.Contains(nr.Error(), c.text) {
			t.Errorf("%s: %q lacks %q", c.name, nr.Error(), c.text)
		}
	}
	nr := &NotReadyError{Container: "api-1", State: "running", Health: "starting", Err: context.DeadlineExceeded}
	if !errors.Is(nr, context.DeadlineExceeded) || nr.Error() != "api-1 not ready (context deadline exceeded): health starting" {
		t.Errorf("timeout error %q", nr)
	}
}
