package docker

import (
	"context"
	"time"

	"github.com/docker/docker/api/types/container"
)

// The actions do not touch the inventory: the events they cause update it
// (within milliseconds), which keeps one path for changes made here and
// changes made by anyone else on the host.

// Restart stops the container (SIGTERM, then SIGKILL after timeout) and
// starts it again with the same configuration and image; a rollback to
// another image needs a re-create, not a restart. timeout ≤ 0 uses the
// container's own stop timeout (Docker's default 10 s): a zero value must
// not silently mean "kill at once".
func (e *Engine) Restart(ctx context.Context, id string, timeout time.Duration) error {
	return e.wrap("restart", id, e.cli.ContainerRestart(ctx, id, stopOptions(timeout)))
}

// Stop stops the container; timeout as for Restart.
func (e *Engine) Stop(ctx context.Context, id string, timeout time.Duration) error {
	return e.wrap("stop", id, e.cli.ContainerStop(ctx, id, stopOptions(timeout)))
}

// Start starts a stopped container.
func (e *Engine) Start(ctx context.Context, id string) error {
	return e.wrap("start", id, e.cli.ContainerStart(ctx, id, container.StartOptions{}))
}

// stopOptions rounds the timeout up to whole seconds, the API's unit, so
// 500 ms does not become 0 (kill at once).
func stopOptions(timeout time.Duration) container.StopOptions {
	if timeout <= 0 {
		return container.StopOptions{}
	}
	secs := int((timeout + time.Second - 1) / time.Second)
	return container.StopOptions{Timeout: &secs}
}
