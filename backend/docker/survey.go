package docker

import (
	"context"
	"sort"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"golang.org/x/sync/errgroup"

	"github.com/manacore/opsdeck/backend"
)

// ComposeService is one compose service of an engine as opsdeck init
// writes it into a config: how the inventory names it, and what its
// containers tell about where its health endpoint is.
type ComposeService struct {
	Project, Service string // the compose labels
	Name             string // as the inventory names it (DefaultResolve)
	Component        backend.Component
	ComponentFrom    string // FromLabel or FromServiceName
	Containers       int
	// Of one of its containers (a running one when there is one):
	HealthCheck []string // its HEALTHCHECK test, e.g. [CMD-SHELL curl -f http://localhost:8080/health]
	HostNetwork bool     // --network host: its ports are the host's
	Published   []PublishedPort
	EnvPorts    []EnvPort // PORT=8080 and the like, in the container's environment
}

// PublishedPort is a container port published on the host.
type PublishedPort struct {
	Container int
	HostIP    string // "" or 0.0.0.0 or :: for every address
	Host      int
}

// EnvPort is an environment variable named PORT or …_PORT whose
// value is a port number: where a service likely listens.
type EnvPort struct {
	Name string
	Port int
}

// ComposeServices lists the engine's compose services (one-off
// containers left out), sorted by project and name, with what one
// container of each says about its health endpoint. One list and one
// inspect per service (a few at a time); it needs no Run.
func (e *Engine) ComposeServices(ctx context.Context) ([]ComposeService, error) {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(composeFilter())})
	if err != nil {
		return nil, e.wrap("list containers", "", err)
	}
	type group struct {
		svc ComposeService
		id  string // the container to inspect
		up  bool   // id is running
	}
	byKey := map[string]*group{}
	for _, c := range list {
		project, service := c.Labels[labelProject], c.Labels[labelService]
		if project == "" || service == "" || isOneOff(c.Labels) {
			continue
		}
		key := project + "/" + service
		g := byKey[key]
		if g == nil {
			name, comp, from := e.resolve(project, service, c.Labels)
			g = &group{svc: ComposeService{Project: project, Service: service, Name: name, Component: comp, ComponentFrom: from}}
			byKey[key] = g
		}
		g.svc.Containers++
		if running := c.State == "running"; g.id == "" || running && !g.up {
			g.id, g.up = c.ID, running
		}
	}
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(inspectConcurrency)
	for _, g := range byKey {
		eg.Go(func() error {
			in, err := e.cli.ContainerInspect(gctx, g.id)
			switch {
			case err == nil:
				g.svc.addInspect(in)
			case cerrdefs.IsNotFound(err):
				// Gone since the list: the service stays, without hints.
			default:
				return e.wrap("inspect", g.id, err)
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	out := make([]ComposeService, 0, len(byKey))
	for _, g := range byKey {
		out = append(out, g.svc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Project != out[j].Project {
			return out[i].Project < out[j].Project
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// addInspect takes the health hints of one inspected container.
func (s *ComposeService) addInspect(in container.InspectResponse) {
	if in.Config != nil {
		if hc := in.Config.Healthcheck; hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE" {
			s.HealthCheck = hc.Test
		}
		for _, kv := range in.Config.Env {
			k, v, _ := strings.Cut(kv, "=")
			if k = strings.ToUpper(k); k != "PORT" && !strings.HasSuffix(k, "_PORT") {
				continue
			}
			if p, err := strconv.Atoi(v); err == nil && p > 0 && p < 65536 {
				s.EnvPorts = append(s.EnvPorts, EnvPort{Name: kv[:len(k)], Port: p})
			}
		}
	}
	if in.HostConfig != nil {
		s.HostNetwork = in.HostConfig.NetworkMode.IsHost()
	}
	if in.NetworkSettings != nil {
		for port, bindings := range in.NetworkSettings.Ports {
			if port.Proto() != "tcp" {
				continue
			}
			for _, b := range bindings {
				if hp, err := strconv.Atoi(b.HostPort); err == nil {
					s.Published = append(s.Published, PublishedPort{Container: port.Int(), HostIP: b.HostIP, Host: hp})
				}
			}
		}
		sort.Slice(s.Published, func(i, j int) bool {
			a, b := s.Published[i], s.Published[j]
			if a.Container != b.Container {
				return a.Container < b.Container
			}
			return a.HostIP < b.HostIP
		})
	}
}
