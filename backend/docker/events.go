package docker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"

	"github.com/manacore/opsdeck/backend"
)

// Backoff between attempts to resubscribe. The first retry is quick (a
// proxy or SSH tunnel that blinked is back at once); the cap keeps a dead
// engine from being hammered while still noticing its return within a
// poll interval or two.
const (
	minBackoff = 250 * time.Millisecond
	maxBackoff = 10 * time.Second
)

// maxBurst is the most events applied as one batch.
const maxBurst = 256

// watchedActions are the container events that can change what the
// inventory shows. Exec events (every health probe is an exec), attach,
// resize and the like are left out at the engine.
var watchedActions = []string{
	"create", "start", "restart", "stop", "die", "kill", "oom",
	"pause", "unpause", "rename", "update", "destroy",
	"health_status", // a prefix: dockerd matches "health_status: healthy" etc.
}

// Run keeps the inventory current until ctx ends: it subscribes to the
// engine's container events, lists and inspects every compose container
// once, then re-inspects only the containers that events name (a health
// report alone needs no inspect: it says the new health). When the
// stream breaks it resubscribes with backoff, asking for events since the
// last one it saw, and lists again: dockerd replays at most its last 256
// events (daemon/events/events.go eventsLimit) and none across its own
// restart, so the replay alone could miss a change. There is no polling.
//
// Run returns ctx.Err() when ctx ends, or an error at once if the engine
// is closed or already running.
func (e *Engine) Run(ctx context.Context) error {
	e.runMu.Lock()
	switch {
	case e.closed:
		e.runMu.Unlock()
		return errClosed
	case e.state == runRunning:
		e.runMu.Unlock()
		return errors.New("docker: Run is already running for " + e.Name())
	}
	e.state = runRunning
	e.inv.begin()
	e.runMu.Unlock()
	defer func() {
		e.runMu.Lock()
		e.state = runStopped
		e.runMu.Unlock()
		e.inv.settle(errors.New("stopped following the engine"))
	}()

	var since string
	backoff := minBackoff
	for {
		err := e.follow(ctx, &since, func() { backoff = minBackoff })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.inv.settle(err)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// follow subscribes, syncs and applies events until the stream fails; it
// always returns an error. synced is called once the inventory is current.
func (e *Engine) follow(ctx context.Context, since *string, synced func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the client's event goroutine

	// A versioned request first: it negotiates the API version. Events()
	// formats its filters with the client's version before its own request
	// would negotiate (client/events.go), so without this the first
	// subscription would read the version while another call writes it.
	if _, err := e.cli.ServerVersion(ctx); err != nil {
		return e.wrap("connect", "", err)
	}
	args := filters.NewArgs(filters.Arg("type", string(events.ContainerEventType)), composeFilter())
	for _, a := range watchedActions {
		args.Add("event", a)
	}
	// Subscribe before listing, so nothing that happens during the list
	// is lost; events for containers the list already saw only cause a
	// harmless re-inspect.
	msgs, errs := e.cli.Events(ctx, events.ListOptions{Since: *since, Filters: args})
	if err := e.sync(ctx); err != nil {
		return err
	}
	e.inv.settle(nil)
	synced()

	for {
		select {
		case m := <-msgs:
			// Coalesce a burst (a restart is kill, die, stop, start,
			// restart) into one inspect per container; cap it so an event
			// storm cannot hold the inspects back indefinitely.
			pending := map[string]change{}
			for n := 1; ; n++ {
				*since = stamp(m)
				if m.Actor.ID != "" {
					pending[m.Actor.ID] = pending[m.Actor.ID].with(string(m.Action))
				}
				if n == maxBurst {
					break
				}
				select {
				case m = <-msgs:
					continue
				default:
				}
				break
			}
			for id, ch := range pending {
				if ch.health != "" && !ch.inspect && e.inv.setHealth(id, ch.health) {
					continue
				}
				if err := e.refresh(ctx, id); err != nil {
					return err
				}
			}
		case err, ok := <-errs:
			if !ok || err == nil {
				err = errors.New("stream ended")
			}
			return fmt.Errorf("event stream from %s: %w", e.cfg.Host, err)
		}
	}
}

// change is what a burst of events says about one container: its new
// health, when every event was a health report, or that it must be
// inspected again.
type change struct {
	health  backend.Health
	inspect bool
}

// with adds one event's action. A health report ("health_status: healthy")
// carries the whole of what it changes, so a container whose health flaps
// is not inspected on every flip; any other event means inspecting.
func (c change) with(action string) change {
	if h, ok := strings.CutPrefix(action, "health_status: "); ok {
		switch backend.Health(h) {
		case backend.HealthHealthy, backend.HealthUnhealthy, backend.HealthStarting:
			c.health = backend.Health(h)
			return c
		}
	}
	c.inspect = true
	return c
}

// stamp renders an event's time as the "seconds.nanoseconds" form the
// events endpoint takes for since.
func stamp(m events.Message) string {
	if m.TimeNano != 0 {
		return fmt.Sprintf("%d.%09d", m.TimeNano/1e9, m.TimeNano%1e9)
	}
	return fmt.Sprintf("%d.%09d", m.Time, 0)
}
