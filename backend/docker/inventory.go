package docker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"golang.org/x/sync/errgroup"

	"github.com/manacore/opsdeck/backend"
)

// inspectConcurrency bounds the inspects of a full sync, so a host with a
// hundred containers does not open a hundred connections at once.
const inspectConcurrency = 8

// entry is one compose container as last inspected.
type entry struct {
	c       backend.Container
	project string
	service string // resolved service name
	comp    backend.Component
}

// inventory is the in-memory state Fetch reads; Run writes it (Close only
// marks it closed).
type inventory struct {
	mu      sync.RWMutex
	byID    map[string]entry
	err     error         // why the inventory is not current; nil while it is
	ready   chan struct{} // closed once the current Run's first sync has finished, either way
	version string        // negotiated API version, once known
	// grouped is byID grouped into services, kept until byID changes: an
	// idle engine's inventory is the same every refresh, and regrouping
	// 200 containers every 2 s was a tenth of an idle console's CPU.
	grouped   []backend.Service
	groupedOK bool
}

func (inv *inventory) init() {
	inv.byID = map[string]entry{}
	inv.ready = make(chan struct{})
}

// begin starts a Run: nothing is current until its first sync. Fetches
// already waiting keep waiting on the same channel, unless a previous Run
// has closed it.
func (inv *inventory) begin() {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	select {
	case <-inv.ready:
		inv.ready = make(chan struct{})
	default:
	}
	inv.err = errors.New("not synced yet")
}

// settle records the outcome of a sync (or of losing the event stream) and
// releases Fetches waiting for the first one.
func (inv *inventory) settle(err error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.err = err
	select {
	case <-inv.ready:
	default:
		close(inv.ready)
	}
}

func (inv *inventory) setErr(err error) {
	inv.mu.Lock()
	inv.err = err
	inv.mu.Unlock()
}

func (inv *inventory) readyChan() <-chan struct{} {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.ready
}

func (inv *inventory) apiVersion() string {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.version
}

func (inv *inventory) replace(all map[string]entry, version string) {
	inv.mu.Lock()
	inv.byID = all
	inv.version = version
	inv.groupedOK = false
	inv.mu.Unlock()
}

func (inv *inventory) put(id string, en entry) {
	inv.mu.Lock()
	inv.byID[id] = en
	inv.groupedOK = false
	inv.mu.Unlock()
}

// setHealth records a known container's new health; false if the
// container is not in the inventory (it must be inspected).
func (inv *inventory) setHealth(id string, h backend.Health) bool {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	en, ok := inv.byID[id]
	if !ok {
		return false
	}
	if en.c.Health != h {
		en.c.Health = h
		inv.byID[id] = en
		inv.groupedOK = false
	}
	return true
}

func (inv *inventory) drop(id string) {
	inv.mu.Lock()
	delete(inv.byID, id)
	inv.groupedOK = false
	inv.mu.Unlock()
}

// services is the inventory grouped into services (see group), or why it
// is not current. The result is shared between calls until the inventory
// changes: callers must not modify it.
func (inv *inventory) services(host string) ([]backend.Service, error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.err != nil {
		return nil, inv.err
	}
	if !inv.groupedOK {
		inv.grouped, inv.groupedOK = group(inv.byID, host), true
	}
	return inv.grouped, nil
}

// Fetch returns the inventory Run keeps in memory: compose services sorted
// by project and name, each with its containers sorted by name. It makes
// no Docker call. The services are shared with later fetches until the
// inventory changes: callers must not modify them. It fails while Run cannot vouch for the inventory
// (engine unreachable, event stream lost, Run returned); the poller then
// keeps showing the last good inventory as stale.
//
// Until Run's first sync has finished Fetch waits for it, bounded by ctx:
// the poller's first Fetch usually races the goroutine that starts Run,
// and should get the inventory, not a spurious error. If Run is never
// started, that wait ends with ctx and an error saying so.
func (e *Engine) Fetch(ctx context.Context) (backend.Partial, error) {
	e.runMu.Lock()
	state, closed := e.state, e.closed
	e.runMu.Unlock()
	switch {
	case closed:
		return backend.Partial{}, errClosed
	case state == runStopped:
		return backend.Partial{}, errors.New("not following the engine (Run has returned)")
	}
	select {
	case <-e.inv.readyChan():
	case <-ctx.Done():
		e.runMu.Lock()
		state = e.state
		e.runMu.Unlock()
		if state == runNever {
			return backend.Partial{}, errors.New("not following the engine (Run has not been started)")
		}
		return backend.Partial{}, fmt.Errorf("waiting for the first inventory from %s: %w", e.cfg.Host, ctx.Err())
	}
	services, err := e.inv.services(e.cfg.HostLabel)
	if err != nil {
		return backend.Partial{}, err
	}
	return backend.Partial{Services: services}, nil
}

// group builds services from containers. LastDeploy is the newest start
// of the service's containers: a rollout or restart starts them anew.
func group(byID map[string]entry, host string) []backend.Service {
	idx := map[string]int{}
	var out []backend.Service
	for _, en := range byID {
		i, ok := idx[en.service]
		if !ok {
			i = len(out)
			idx[en.service] = i
			out = append(out, backend.Service{Project: en.project, Component: en.comp, Name: en.service, Host: host})
		}
		s := &out[i]
		c := en.c
		c.Host = host
		s.Containers = append(s.Containers, c)
		if c.StartedAt.After(s.LastDeploy) {
			s.LastDeploy = c.StartedAt
		}
	}
	for i := range out {
		cs := out[i].Containers
		sort.Slice(cs, func(a, b int) bool { return cs[a].Name < cs[b].Name })
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Project != out[b].Project {
			return out[a].Project < out[b].Project
		}
		return out[a].Name < out[b].Name
	})
	return out
}

// composeFilter selects compose containers on the engine side, for the
// list and the event stream alike.
func composeFilter() filters.KeyValuePair { return filters.Arg("label", labelProject) }

// sync lists every compose container and inspects each (health, restart
// count and start time are only in inspect before API 1.52), then swaps
// the whole inventory at once.
func (e *Engine) sync(ctx context.Context) error {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(composeFilter())})
	if err != nil {
		return e.wrap("list containers", "", err)
	}
	var mu sync.Mutex
	all := make(map[string]entry, len(list))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(inspectConcurrency)
	for _, s := range list {
		if isOneOff(s.Labels) {
			continue
		}
		g.Go(func() error {
			en, ok, err := e.inspect(gctx, s.ID)
			if err != nil || !ok {
				return err
			}
			mu.Lock()
			all[s.ID] = en
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Reading the version here is race-free: the list above has negotiated.
	e.inv.replace(all, e.cli.ClientVersion())
	return nil
}

// refresh re-inspects one container after an event named it.
func (e *Engine) refresh(ctx context.Context, id string) error {
	en, ok, err := e.inspect(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		e.inv.drop(id)
		return nil
	}
	e.inv.put(id, en)
	return nil
}

// inspect returns the container's entry; ok is false when it is gone or is
// not a compose service container.
func (e *Engine) inspect(ctx context.Context, id string) (entry, bool, error) {
	in, err := e.cli.ContainerInspect(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return entry{}, false, nil
	}
	if err != nil {
		return entry{}, false, e.wrap("inspect", id, err)
	}
	en, ok := e.entryOf(in)
	return en, ok, nil
}

func isOneOff(labels map[string]string) bool {
	return strings.EqualFold(labels[labelOneOff], "true")
}

// entryOf converts an inspect result.
func (e *Engine) entryOf(in container.InspectResponse) (entry, bool) {
	if in.ContainerJSONBase == nil || in.Config == nil || in.State == nil {
		return entry{}, false
	}
	labels := in.Config.Labels
	project, service := labels[labelProject], labels[labelService]
	if project == "" || service == "" || isOneOff(labels) {
		return entry{}, false
	}
	name, comp, _ := e.resolve(project, service, labels)
	c := containerOf(in)
	c.Colour = colourOf(labels, e.cfg.ColourLabels)
	return entry{
		project: project,
		service: name,
		comp:    comp,
		c:       c,
	}, true
}

// colourOf is the value of the first colour label present, lower-cased
// ("Blue" and "blue" are one environment); values that are not plain
// identifiers are ignored: they end up in remote commands.
func colourOf(labels map[string]string, names []string) string {
	for _, n := range names {
		if v := strings.ToLower(strings.TrimSpace(labels[n])); v != "" {
			if !backend.ValidIdent(v) {
				return ""
			}
			return v
		}
	}
	return ""
}

// containerOf maps an inspect result to the domain type.
func containerOf(in container.InspectResponse) backend.Container {
	c := backend.Container{
		ID:       in.ID,
		Name:     strings.TrimPrefix(in.Name, "/"),
		Image:    in.Config.Image,
		Version:  imageVersion(in.Config.Image, in.Config.Labels),
		State:    backend.ContainerState(in.State.Status),
		Health:   backend.HealthNone,
		Restarts: in.RestartCount,
	}
	if h := in.State.Health; h != nil && h.Status != "" {
		c.Health = backend.Health(h.Status)
	}
	// A never-started container reports 0001-01-01T00:00:00Z: keep zero.
	if t, err := time.Parse(time.RFC3339Nano, in.State.StartedAt); err == nil && t.Year() > 1 {
		c.StartedAt = t
	}
	return c
}
