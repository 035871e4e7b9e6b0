package docker

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
)

// Backoff of WaitHealthy's inspect polling: quick at first (a container
// without a health check is running within milliseconds of its start),
// then capped so a long health wait costs one small request a second.
const (
	waitMinBackoff = 100 * time.Millisecond
	waitMaxBackoff = time.Second
)

// NotReadyError says why a container did not become ready: the last state
// WaitHealthy saw, and the context error when it gave up waiting.
type NotReadyError struct {
	Container string // name
	State     string // "running", "exited", "restarting", ...
	Health    string // "starting", "unhealthy", "" without a health check
	ExitCode  int
	OOMKilled bool
	EngineErr string // the engine's State.Error, e.g. a failed exec of the entrypoint
	Probe     string // output of the last health probe, trimmed
	NotYet    bool   // the container had not (re)started since the given time
	Err       error  // ctx.Err() when the wait ended by cancel or timeout; nil when it failed by itself
}

func (e *NotReadyError) Error() string {
	var why string
	switch {
	case e.NotYet:
		why = "not started again yet (state " + e.State + ")"
	case e.OOMKilled:
		why = fmt.Sprintf("%s: OOMKilled (exit code %d)", e.State, e.ExitCode)
	case e.State == "exited" || e.State == "dead":
		why = fmt.Sprintf("exited with code %d", e.ExitCode)
	case e.State == "running" && e.Health != "":
		why = "health " + e.Health
	default:
		why = "state " + e.State
		if e.ExitCode != 0 {
			why += fmt.Sprintf(" (last exit code %d)", e.ExitCode)
		}
	}
	if e.EngineErr != "" {
		why += ": " + e.EngineErr
	}
	if e.Probe != "" {
		why += "; last health probe: " + e.Probe
	}
	if e.Err != nil {
		return fmt.Sprintf("%s not ready (%v): %s", e.Container, e.Err, why)
	}
	return fmt.Sprintf("%s not ready: %s", e.Container, why)
}

func (e *NotReadyError) Unwrap() error { return e.Err }

// WaitHealthy waits until the container runs, has started after since
// (the engine's clock: pass the StartedAt it had before a restart, or the
// zero time when any run will do) and, if it has a health check, reports
// healthy. It returns a *NotReadyError when the container exits, turns
// unhealthy, or ctx ends first; bound the wait with ctx.
//
// It polls inspect with backoff rather than following the events stream:
// a health wait is about one container for seconds to minutes, inspect
// carries everything the error needs (exit code, OOMKilled, the probe's
// output) where a health_status event carries only the status, and a poll
// has no subscription to lose or replay when an SSH tunnel blinks.
//
// Unhealthy ends the wait at once: Docker only reports it after the
// check's retries have all failed, which is the verdict a rollout needs.
func (e *Engine) WaitHealthy(ctx context.Context, id string, since time.Time) error {
	backoff := waitMinBackoff
	var last *NotReadyError
	for {
		in, err := e.cli.ContainerInspect(ctx, id)
		switch {
		case err == nil:
			done, nr := readiness(in, since)
			if done {
				return nil
			}
			if nr.Err == nil && !nr.NotYet && (nr.Health == container.Unhealthy || nr.State == "exited" || nr.State == "dead") {
				return nr
			}
			last = nr
		case cerrdefs.IsNotFound(err):
			return fmt.Errorf("%s: container is gone", shortID(id))
		case ctx.Err() == nil:
			return e.wrap("inspect", id, err)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			if last == nil {
				last = e.lastLook(ctx, id, since)
			}
			last.Err = ctx.Err()
			return last
		case <-t.C:
		}
		backoff = min(backoff*3/2, waitMaxBackoff)
	}
}

// readiness judges one inspect result.
func readiness(in container.InspectResponse, since time.Time) (bool, *NotReadyError) {
	nr := &NotReadyError{Container: strings.TrimPrefix(in.Name, "/"), State: "unknown"}
	if in.ContainerJSONBase == nil || in.State == nil {
		return false, nr
	}
	st := in.State
	nr.State, nr.ExitCode, nr.OOMKilled, nr.EngineErr = string(st.Status), st.ExitCode, st.OOMKilled, st.Error
	started, _ := time.Parse(time.RFC3339Nano, st.StartedAt)
	if !started.After(since) {
		nr.NotYet = true
		return false, nr
	}
	if h := st.Health; h != nil && h.Status != "" && h.Status != container.NoHealthcheck {
		nr.Health = h.Status
		if n := len(h.Log); n > 0 && h.Log[n-1] != nil {
			nr.Probe = probeText(*h.Log[n-1])
		}
	}
	if !st.Running || st.Restarting || st.Paused {
		return false, nr
	}
	return nr.Health == "" || nr.Health == container.Healthy, nr
}

// probeText is the last probe's exit code and the first line of its
// output.
func probeText(r container.HealthcheckResult) string {
	// The first line says why; the rest is often a usage text.
	first, _, _ := strings.Cut(strings.TrimSpace(r.Output), "\n")
	out := strings.Join(strings.Fields(first), " ")
	if len(out) > 200 {
		out = out[:200] + "…"
	}
	if out == "" {
		return fmt.Sprintf("exit code %d", r.ExitCode)
	}
	return fmt.Sprintf("exit code %d: %s", r.ExitCode, out)
}

// lastLook inspects once more, briefly, after ctx ended before any inspect
// answered, so the error still says what state the container was in.
func (e *Engine) lastLook(ctx context.Context, id string, since time.Time) *NotReadyError {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	in, err := e.cli.ContainerInspect(lctx, id)
	if err != nil {
		return &NotReadyError{Container: shortID(id), State: "unknown"}
	}
	_, nr := readiness(in, since)
	return nr
}
