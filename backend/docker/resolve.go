package docker

import (
	"slices"
	"strings"

	"github.com/manacore/opsdeck/backend"
)

// Compose labels (docker/compose pkg/api/labels.go). Discovery rests on them
// alone: a container without a project and service label is not part of the
// fleet, and one-off containers (`docker compose run`) are not services.
const (
	labelProject = "com.docker.compose.project"
	labelService = "com.docker.compose.service"
	labelOneOff  = "com.docker.compose.oneoff"
	labelVersion = "org.opencontainers.image.version"
)

// DefaultResolve names a service "<project>-<service>", unless the compose
// service already carries the project prefix (compose files often name
// services "chat-backend" inside project "chat"; "chat-chat-backend" would
// match nothing in the config). The component comes from the compose
// service name; anything unrecognised is a backend, the most common kind.
func DefaultResolve(project, service string) (string, backend.Component) {
	name := service
	if !strings.HasPrefix(service, project+"-") {
		name = project + "-" + service
	}
	return name, componentOf(service)
}

// LabelComponent is the container label that names a service's component
// (backend, web or landing) where its compose service name does not say.
const LabelComponent = "opsdeck.component"

// How resolve found a component, for opsdeck init's comments.
const (
	FromConfig      = "config"
	FromLabel       = "label " + LabelComponent
	FromServiceName = "compose service name"
)

// resolve names the service of a container with these compose labels: the
// config's mapping (Config.Resolve) when it has one, else DefaultResolve
// with the component from the opsdeck.component label when it names one.
// from says which.
func (e *Engine) resolve(project, service string, labels map[string]string) (name string, comp backend.Component, from string) {
	if e.cfg.Resolve != nil {
		if n, c, ok := e.cfg.Resolve(project, service); ok {
			return n, c, FromConfig
		}
	}
	name, comp = DefaultResolve(project, service)
	if c := backend.Component(strings.ToLower(strings.TrimSpace(labels[LabelComponent]))); slices.Contains(backend.Components, c) {
		return name, c, FromLabel
	}
	return name, comp, FromServiceName
}

// componentAliases maps a compose service name, or its last '-'/'_'
// separated word, to a component. The separator is required so that
// "cobweb" does not read as web.
var componentAliases = map[string]backend.Component{
	"backend":  backend.ComponentBackend,
	"api":      backend.ComponentBackend,
	"web":      backend.ComponentWeb,
	"frontend": backend.ComponentWeb,
	"landing":  backend.ComponentLanding,
}

func componentOf(service string) backend.Component {
	s := strings.ToLower(service)
	if c, ok := componentAliases[s]; ok {
		return c
	}
	if i := strings.LastIndexAny(s, "-_"); i >= 0 {
		if c, ok := componentAliases[s[i+1:]]; ok {
			return c
		}
	}
	return backend.ComponentBackend
}

// imageVersion is the version shown for a container: the tag of the image
// reference it was created from, else the image's OCI version label.
//
// The tag is what the seed's tables show ("v1.6.0"). A reference pinned by
// digest or created from an image ID has no tag worth showing, and "latest"
// says nothing about what runs, so both defer to the label when it is set.
func imageVersion(ref string, labels map[string]string) string {
	tag := imageTag(ref)
	label := labels[labelVersion]
	switch {
	case tag != "" && (tag != "latest" || label == ""):
		return tag
	case label != "":
		return label
	}
	return ""
}

// imageTag returns the tag of an image reference: "repo:tag", "host:5000/
// repo:tag", "repo:tag@sha256:…" have one; "repo", "host:5000/repo",
// "repo@sha256:…" and bare IDs ("sha256:…", 64 hex digits) do not. A
// reference with neither tag nor digest means "latest" to Docker.
func imageTag(ref string) string {
	if ref == "" || strings.HasPrefix(ref, "sha256:") || isHexID(ref) {
		return ""
	}
	digest := false
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref, digest = ref[:i], true
	}
	i := strings.LastIndexByte(ref, ':')
	if i < 0 || i < strings.LastIndexByte(ref, '/') {
		// No tag; a colon before the last slash is a registry port.
		if digest {
			return ""
		}
		return "latest"
	}
	return ref[i+1:]
}

func isHexID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}
