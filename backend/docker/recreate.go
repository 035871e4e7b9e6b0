package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
)

// These calls serve the rollback action (backend/docker/actions), which
// re-creates a container from another image. Like lifecycle.go they leave
// the inventory to the events they cause.

// ErrNotFound is matched by the errors of Info and ImageID when the
// container or image does not exist on the engine.
var ErrNotFound = errors.New("not found")

// ContainerInfo is what an action needs to know of one container.
type ContainerInfo struct {
	ID             string
	Name           string // without the leading slash
	ImageRef       string // the reference it was created from, e.g. "opsdeck-fleetsvc:v1.1.0"
	ImageID        string // "sha256:…"
	State          string
	Running        bool
	StartedAt      time.Time // engine clock; zero if never started
	HasHealthcheck bool
	Labels         map[string]string
}

// Info inspects a container by ID or name.
func (e *Engine) Info(ctx context.Context, idOrName string) (ContainerInfo, error) {
	in, err := e.cli.ContainerInspect(ctx, idOrName)
	if cerrdefs.IsNotFound(err) {
		return ContainerInfo{}, fmt.Errorf("container %s on %s: %w", idOrName, e.Name(), ErrNotFound)
	}
	if err != nil {
		return ContainerInfo{}, e.wrap("inspect", idOrName, err)
	}
	if in.ContainerJSONBase == nil || in.Config == nil || in.State == nil {
		return ContainerInfo{}, fmt.Errorf("inspect %s: incomplete answer from %s", idOrName, e.Name())
	}
	ci := ContainerInfo{
		ID:       in.ID,
		Name:     strings.TrimPrefix(in.Name, "/"),
		ImageRef: in.Config.Image,
		ImageID:  in.Image,
		State:    string(in.State.Status),
		Running:  in.State.Running,
		Labels:   in.Config.Labels,
	}
	if t, err := time.Parse(time.RFC3339Nano, in.State.StartedAt); err == nil && t.Year() > 1 {
		ci.StartedAt = t
	}
	hc := in.Config.Healthcheck
	ci.HasHealthcheck = in.State.Health != nil || (hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE")
	return ci, nil
}

// ImageID returns the ID of a local image (reference or ID). It never
// pulls: an image the engine does not have is an ErrNotFound.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	img, err := e.cli.ImageInspect(ctx, ref)
	if cerrdefs.IsNotFound(err) {
		return "", fmt.Errorf("image %s is not on %s: %w", ref, e.Name(), ErrNotFound)
	}
	if err != nil {
		return "", e.wrap("inspect image "+ref, "", err)
	}
	return img.ID, nil
}

// Rename renames a container.
func (e *Engine) Rename(ctx context.Context, id, name string) error {
	return e.wrap("rename to "+name, id, e.cli.ContainerRename(ctx, id, name))
}

// Remove removes a container, stopping it first if it runs; its volumes
// stay.
func (e *Engine) Remove(ctx context.Context, id string) error {
	return e.wrap("remove", id, e.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}))
}

// CreateLike creates (does not start) a container named name from image
// ref with the configuration of container old: its environment, command,
// labels, health check, host configuration (mounts, ports, restart policy,
// network mode, resources) and networks.
//
// Inspect shows a container's configuration merged with its image's, so
// copying it verbatim would carry the old image's defaults (its version
// label, its ENV, its CMD) into the new one. What equals the old image's
// value is left out, so the new image supplies its own, as `docker compose
// up` would; only what the container set itself is kept.
func (e *Engine) CreateLike(ctx context.Context, old, ref, name string) (string, error) {
	in, err := e.cli.ContainerInspect(ctx, old)
	if err != nil {
		return "", e.wrap("inspect", old, err)
	}
	if in.ContainerJSONBase == nil || in.Config == nil || in.HostConfig == nil {
		return "", fmt.Errorf("inspect %s: incomplete answer from %s", shortID(old), e.Name())
	}
	var oldImg image.InspectResponse
	if in.Image != "" {
		// Gone (force-removed) means nothing to subtract: keep everything.
		if oldImg, err = e.cli.ImageInspect(ctx, in.Image); err != nil && !cerrdefs.IsNotFound(err) {
			return "", e.wrap("inspect image", in.Image, err)
		}
	}
	cfg := ownConfig(*in.Config, oldImg, in.ID, in.HostConfig.NetworkMode)
	cfg.Image = ref

	primary, others := endpoints(in)
	cr, err := e.cli.ContainerCreate(ctx, &cfg, in.HostConfig, primary, nil, name)
	if err != nil {
		return "", e.wrap("create "+name+" from "+ref, "", err)
	}
	// API < 1.44 takes one network at create; the others are connected
	// after, which every version accepts.
	for _, net := range slices.Sorted(maps.Keys(others)) {
		if err := e.cli.NetworkConnect(ctx, net, cr.ID, others[net]); err != nil {
			_ = e.cli.ContainerRemove(context.WithoutCancel(ctx), cr.ID, container.RemoveOptions{Force: true})
			return "", e.wrap("connect to network "+net, cr.ID, err)
		}
	}
	return cr.ID, nil
}

// ownConfig is the container's configuration minus what its image gave it.
func ownConfig(c container.Config, img image.InspectResponse, id string, mode container.NetworkMode) container.Config {
	// The engine's default hostname is the short ID, and host or
	// container network modes refuse a hostname altogether.
	if c.Hostname == shortID(id) || mode.IsHost() || mode.IsContainer() {
		c.Hostname, c.Domainname = "", ""
	}
	//lint:ignore SA1019 clearing the deprecated field is the point: a copied MAC would clash
	c.MacAddress = "" // deprecated; generated unless set per endpoint
	if img.Config == nil {
		return c
	}
	ic := img.Config
	c.Env = slices.DeleteFunc(slices.Clone(c.Env), func(kv string) bool { return slices.Contains(ic.Env, kv) })
	if slices.Equal(c.Cmd, ic.Cmd) {
		c.Cmd = nil
	}
	if slices.Equal(c.Entrypoint, ic.Entrypoint) {
		c.Entrypoint = nil
	}
	if c.WorkingDir == ic.WorkingDir {
		c.WorkingDir = ""
	}
	if c.User == ic.User {
		c.User = ""
	}
	if c.StopSignal == ic.StopSignal {
		c.StopSignal = ""
	}
	labels := map[string]string{}
	for k, v := range c.Labels {
		if iv, ok := ic.Labels[k]; !ok || iv != v {
			labels[k] = v
		}
	}
	c.Labels = labels
	if c.Healthcheck != nil && ic.Healthcheck != nil && slices.Equal(c.Healthcheck.Test, ic.Healthcheck.Test) &&
		c.Healthcheck.Interval == ic.Healthcheck.Interval && c.Healthcheck.Timeout == ic.Healthcheck.Timeout &&
		c.Healthcheck.StartPeriod == ic.Healthcheck.StartPeriod && c.Healthcheck.Retries == ic.Healthcheck.Retries {
		c.Healthcheck = nil
	}
	if reflect.DeepEqual(map[string]struct{}(c.Volumes), ic.Volumes) {
		c.Volumes = nil
	}
	ports := maps.Clone(c.ExposedPorts)
	for p := range ports {
		if _, ok := ic.ExposedPorts[string(p)]; ok {
			delete(ports, p)
		}
	}
	if len(ports) == 0 {
		ports = nil
	}
	c.ExposedPorts = ports
	return c
}

// endpoints splits the container's networks into the one of its network
// mode (given at create) and the others, keeping what was configured
// (aliases, static addresses, links, driver options) and dropping what the
// engine assigned (endpoint ID, addresses, gateway).
func endpoints(in container.InspectResponse) (*network.NetworkingConfig, map[string]*network.EndpointSettings) {
	mode := in.HostConfig.NetworkMode
	if mode.IsHost() || mode.IsNone() || mode.IsContainer() || in.NetworkSettings == nil {
		return nil, nil
	}
	primaryName := string(mode)
	if mode.IsDefault() {
		primaryName = "bridge"
	}
	var primary *network.NetworkingConfig
	others := map[string]*network.EndpointSettings{}
	for name, es := range in.NetworkSettings.Networks {
		if es == nil {
			continue
		}
		cfg := &network.EndpointSettings{
			IPAMConfig: es.IPAMConfig,
			Links:      es.Links,
			Aliases:    slices.DeleteFunc(slices.Clone(es.Aliases), func(a string) bool { return a == shortID(in.ID) }),
			DriverOpts: es.DriverOpts,
			GwPriority: es.GwPriority,
		}
		if name == primaryName {
			primary = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{name: cfg}}
		} else {
			others[name] = cfg
		}
	}
	return primary, others
}

// ImageTag is a tagged image on the engine.
type ImageTag struct {
	Ref     string // "manacore/chat-backend:v1.5.2"
	ID      string
	Created time.Time
}

// Tags lists the engine's images tagged in repository repo (the part of a
// reference before its tag), newest first: what a rollback can re-create
// from without a pull.
func (e *Engine) Tags(ctx context.Context, repo string) ([]ImageTag, error) {
	imgs, err := e.cli.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("reference", repo+":*"))})
	if err != nil {
		return nil, e.wrap("list images of "+repo, "", err)
	}
	var out []ImageTag
	for _, img := range imgs {
		for _, ref := range img.RepoTags {
			if tag, ok := strings.CutPrefix(ref, repo+":"); ok && tag != "" && !strings.ContainsAny(tag, ":/") {
				out = append(out, ImageTag{Ref: ref, ID: img.ID, Created: time.Unix(img.Created, 0).UTC()})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ImageTag) int { return b.Created.Compare(a.Created) })
	return out, nil
}
