package sim

import (
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// inventory is the "docker" source's answer: every service with its
// containers, host and last deploy.
func (f *Fleet) inventory(t time.Time) backend.Partial {
	out := make([]backend.Service, len(f.services))
	for i := range f.services {
		s := &f.services[i]
		svc := s.skel
		svc.Containers = s.shown(t, f.opsOf(svc.Name))
		svc.LastDeploy = s.lastDeploy(t)
		out[i] = svc
	}
	return backend.Partial{Services: out}
}

// shown are the containers the inventory lists for the service at t,
// after what actions did (o): its blue and green ones while it runs
// blue/green, else its replicas. Actions plan on the same list, so a plan
// names the containers the screen shows.
func (s *service) shown(t time.Time, o ops) []backend.Container {
	if s.blueGreen && !s.crashing(o) {
		return s.withOps(s.withTraffic(s.bgContainers(t), o, t), o, t)
	}
	return s.withOps(s.containers(t, o), o, t)
}

// epoch is the deploy that replica r runs at unix second ts: its index and
// start. Deploys recur every period, so start is stable between fetches and
// jumps forward only when the next deploy happens.
func (s *service) epoch(r int, ts int64) (k, start int64) {
	off := s.phase + s.lag[r]
	k = floorDiv(ts-off, s.period)
	return k, off + k*s.period
}

// lastDeploy is when the newest rollout began: replica 1's start.
func (s *service) lastDeploy(t time.Time) time.Time {
	_, start := s.epoch(0, t.Unix())
	return time.Unix(start, 0).In(t.Location())
}

// tag is the image tag of deploy k: successive deploys count up patch then
// minor, so a rollout reads as an upgrade (it wraps once every 60 deploys).
func (s *service) tag(k int64) string {
	n := ((k+s.tagBase)%60 + 60) % 60
	return fmt.Sprintf("v1.%d.%d", 2+n/6, n%6)
}

// containers are the service's replicas at t. During the seconds of a
// rolling deploy the later replicas still run the previous version.
//
// A Down service's containers have crashed: state exited, as Docker shows
// a container whose process died and whose restart policy gave up (the exit
// code is not carried by backend.Container). Docker stops probing an exited
// container and keeps the last health status; a crash is normally preceded
// by failing probes, so it reads unhealthy (none without a health check).
func (s *service) containers(t time.Time, o ops) []backend.Container {
	ts := t.Unix()
	out := make([]backend.Container, len(s.lag))
	for r := range out {
		k, start := s.epoch(r, ts)
		ck := s.key.with("container").at(k*16 + int64(r))
		c := backend.Container{
			// A new container per deploy, so a new ID; a restart keeps it.
			ID:        fmt.Sprintf("%012x", uint64(ck)>>16),
			Name:      fmt.Sprintf("%s-%d", s.skel.Name, r+1),
			Host:      s.skel.Host,
			Version:   s.tag(k),
			State:     backend.StateRunning,
			Health:    backend.HealthNone,
			StartedAt: time.Unix(start, 0).In(t.Location()),
		}
		c.Image = "manacore/" + s.skel.Name + ":" + c.Version
		if s.kind.healthcheck {
			c.Health = backend.HealthHealthy
		}
		// About one deploy in ten restarts once, somewhere in its lifetime.
		rk := ck.with("restart")
		if at := start + int64(rk.at(1).between(0.05, 0.95)*float64(s.period)); rk.unit() < 0.1 && ts >= at {
			c.Restarts, c.StartedAt = 1, time.Unix(at, 0).In(t.Location())
		}
		if s.crashing(o) {
			c.State = backend.StateExited
			c.Restarts = 1 + int(rk.at(2).intn(5))
			if s.kind.healthcheck {
				c.Health = backend.HealthUnhealthy
			}
		}
		out[r] = c
	}
	return out
}
