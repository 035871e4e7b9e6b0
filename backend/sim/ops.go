package sim

import (
	"fmt"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// ops is what actions did to one service. With the alert memory and the
// silences it is the fleet's only state: the figures stay a pure function
// of (seed, name, clock), and an action moves the service between running,
// stopped and crash-looping as Docker would.
type ops struct {
	stopped bool      // stopped by an action: exited until started
	fixed   bool      // a crash-looping service rolled back: it runs
	started time.Time // when an action last (re)started it; zero: never
	// rolledBackTo is the release a rollback went to during deploy
	// rolledBackDep: until the next deploy the containers run it.
	rolledBackTo  string
	rolledBackDep int64
	// traffic is what the deployment commands did to a blue/green
	// service during one deploy.
	traffic traffic
}

// traffic is the blue/green split and decommission an operator's
// commands set during deploy (the epoch index they were run in).
type traffic struct {
	deploy  int64
	set     bool    // green was given a share
	green   float64 // green's share, 0 to 1
	retired string  // the colour decommissioned, "" none
}

// crashing reports whether the service crash-loops now: profiled down and
// not rolled back to a release that works.
func (s *service) crashing(o ops) bool { return s.down && !o.fixed }

// running reports whether the service's containers run now.
func (s *service) running(o ops) bool { return !o.stopped && !s.crashing(o) }

// crashReason is why a crash-looping service's containers exit, the same
// for the service at every restart: what its log would end with.
func (s *service) crashReason() string {
	reasons := []string{
		"panic: runtime error: invalid memory address or nil pointer dereference",
		"FATAL: could not connect to the database: connection refused",
		"Error: Cannot find module '/app/dist/main.js'",
		"config: DATABASE_URL is not set",
	}
	return reasons[s.key.with("crash").intn(int64(len(reasons)))]
}

// opsOf is what actions did to the named service.
func (f *Fleet) opsOf(name string) ops {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ops[name]
}

// changeOps applies fn to what actions did to the named service.
func (f *Fleet) changeOps(name string, fn func(*ops)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.ops[name]
	fn(&o)
	f.ops[name] = o
}

// service finds a simulated service by name.
func (f *Fleet) service(name string) (*service, bool) {
	for i := range f.services {
		if f.services[i].skel.Name == name {
			return &f.services[i], true
		}
	}
	return nil, false
}

// withOps lays what actions did over the scheduled containers: a stopped
// service's are exited (since the stop: Docker keeps no health of an
// exited container), a restarted one's started at the restart unless a
// deploy replaced them since, a rolled-back one's run the release before.
func (s *service) withOps(cs []backend.Container, o ops, t time.Time) []backend.Container {
	k, _ := s.epoch(0, t.Unix())
	for i := range cs {
		c := &cs[i]
		if o.rolledBackTo != "" && o.rolledBackDep == k {
			c.Version = o.rolledBackTo
			c.Image = "manacore/" + s.skel.Name + ":" + c.Version
		}
		if !o.started.IsZero() && o.started.After(c.StartedAt) && !o.started.After(t) {
			c.StartedAt = o.started.In(t.Location())
		}
		if o.stopped {
			c.State, c.Health = backend.StateExited, backend.HealthNone
		}
	}
	return cs
}

// simulate applies a finished action's effect on service name and returns
// why it failed, as Docker would report it, "" when it worked: restarting
// or starting a crash-looping service brings it back only to crash again.
func (f *Fleet) simulate(a backend.Action, name string, at time.Time) error {
	kind := a.Kind
	s, ok := f.service(name)
	if !ok {
		return fmt.Errorf("%s: no such service in the fleet", name)
	}
	o := f.opsOf(name)
	switch kind {
	case backend.ActKindStop:
		f.changeOps(name, func(o *ops) { o.stopped = true })
	case backend.ActKindStart, backend.ActKindRestart:
		if s.crashing(o) {
			f.changeOps(name, func(o *ops) { o.stopped, o.started = false, at })
			c := s.shown(at, o)[0]
			return fmt.Errorf("%s exited (1) 2s after the %s: %s", c.Name, kind, s.crashReason())
		}
		f.changeOps(name, func(o *ops) { o.stopped, o.started = false, at })
	case backend.ActKindRollback:
		k, _ := s.epoch(0, at.Unix())
		to := a.Params["version"]
		if to == "" {
			to = s.tag(k - 1)
		}
		f.changeOps(name, func(o *ops) {
			o.stopped, o.fixed, o.started = false, true, at
			o.rolledBackTo, o.rolledBackDep = to, k
		})
	}
	return nil
}
