package actions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
)

// target is one container an action operates on.
type target struct {
	eng     *docker.Engine
	service string
	c       docker.ContainerInfo
}

func (t target) where() string { return t.eng.Name() }

// label names the container in steps and progress lines the way `docker
// ps` would find it: "chat-backend-1 (3f2a9c1b04d2)".
func (t target) label() string { return fmt.Sprintf("%s (%s)", t.c.Name, shortID(t.c.ID)) }

// plan is the resolved form of an action.
type plan struct {
	targets     []target
	steps       []string
	notes       []string
	destructive bool
	confirm     string
	waits       bool   // each target has a health wait
	image       string // rollback: the reference to re-create from
	options     []backend.ParamOption
}

// public is the plan as the confirmation shows it.
func (p plan) public(a backend.Action, o Options) backend.Plan {
	grace := o.StopTimeout
	if grace <= 0 {
		grace = defaultStopGrace
	}
	per := grace + 30*time.Second // the Docker calls around it, generously
	if p.waits {
		per += o.HealthTimeout
	}
	steps := slices.Concat(p.steps, p.notes)
	return backend.Plan{
		Action:      a,
		Steps:       steps,
		Destructive: p.destructive,
		Confirm:     p.confirm,
		Options:     p.options,
		Timeout:     time.Duration(max(1, len(p.targets))) * per,
	}
}

// serviceNames is the services an action names: Params["services"] (stop
// and start only; Target then names what they serve, e.g. a database) or
// Target. Every name must be a plain identifier; unknown parameters are
// refused rather than ignored.
func serviceNames(a backend.Action, allowed ...string) ([]string, error) {
	if !backend.ValidIdent(a.Target) {
		return nil, fmt.Errorf("%s: %q is not a valid name", a.Kind, a.Target)
	}
	for k := range a.Params {
		if !slices.Contains(allowed, k) {
			return nil, fmt.Errorf("%s %s: unknown parameter %q", a.Kind, a.Target, k)
		}
	}
	list, ok := a.Params["services"]
	if !ok {
		return []string{a.Target}, nil
	}
	var names []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if !backend.ValidIdent(n) {
			return nil, fmt.Errorf("%s %s: service %q in services=%q is not a valid name", a.Kind, a.Target, n, list)
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// resolve finds the containers of the named services on every engine (or
// the one a.Where names), in order of service, engine, container name,
// and inspects each for its current state. An engine whose inventory is
// not current is skipped with a note, unless no engine has the service:
// then the error says which engines could not be asked.
func (x *Executor) resolve(ctx context.Context, a backend.Action, names []string) ([]target, []string, error) {
	engines := x.engines
	if a.Where != "" {
		i := slices.IndexFunc(engines, func(e *docker.Engine) bool { return e.Name() == a.Where })
		if i < 0 {
			return nil, nil, fmt.Errorf("%s %s: no engine %s", a.Kind, a.Target, a.Where)
		}
		engines = engines[i : i+1]
	}
	if len(engines) == 0 {
		return nil, nil, fmt.Errorf("%s %s: no Docker engine configured", a.Kind, a.Target)
	}
	found := map[string][]target{}
	var notes, failed []string
	for _, eng := range engines {
		fctx, cancel := context.WithTimeout(ctx, x.opts.RequestTimeout)
		part, err := eng.Fetch(fctx)
		cancel()
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s%s skipped: inventory not current: %v", notePrefix, eng.Name(), err))
			failed = append(failed, fmt.Sprintf("%s (%v)", eng.Name(), err))
			continue
		}
		for _, s := range part.Services {
			if !slices.Contains(names, s.Name) {
				continue
			}
			for _, c := range s.Containers {
				ictx, cancel := context.WithTimeout(ctx, x.opts.RequestTimeout)
				info, err := eng.Info(ictx, c.ID)
				cancel()
				if err != nil {
					return nil, nil, fmt.Errorf("%s %s: %w", a.Kind, a.Target, err)
				}
				found[s.Name] = append(found[s.Name], target{eng: eng, service: s.Name, c: info})
			}
		}
	}
	var out []target
	for _, n := range names {
		ts := found[n]
		if len(ts) == 0 {
			where := make([]string, 0, len(engines))
			for _, e := range engines {
				where = append(where, e.Name())
			}
			msg := fmt.Sprintf("%s %s: unknown service %s: no container of it on %s", a.Kind, a.Target, n, strings.Join(where, ", "))
			if len(failed) > 0 {
				msg += "; not current: " + strings.Join(failed, ", ")
			}
			return nil, nil, fmt.Errorf("%s", msg)
		}
		out = append(out, ts...)
	}
	return out, notes, nil
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
