package docker

import (
	"reflect"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/manacore/opsdeck/backend"
)

// What opsdeck init reads of a container: its health check, whether it
// shares the host's network, its published tcp ports and the ports its
// environment names.
func TestComposeServiceHints(t *testing.T) {
	in := inspected("shop-api-1", nil, "running", nil, "")
	in.Config.Healthcheck = &container.HealthConfig{Test: []string{"CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"}}
	in.Config.Env = []string{"PATH=/bin", "PORT=8080", "DB_PORT=5432", "HTTP_PORT=nope", "EXPORT=1", "ADMIN_PORT=70000"}
	in.HostConfig = &container.HostConfig{NetworkMode: "bridge"}
	in.NetworkSettings = &container.NetworkSettings{}
	in.NetworkSettings.Ports = nat.PortMap{
		"8080/tcp": {{HostIP: "0.0.0.0", HostPort: "18080"}, {HostIP: "::", HostPort: "18080"}},
		"9000/udp": {{HostIP: "0.0.0.0", HostPort: "9000"}},
		"9090/tcp": nil, // exposed, not published
	}
	var s ComposeService
	s.addInspect(in)
	want := ComposeService{
		HealthCheck: []string{"CMD-SHELL", "curl -fsS http://localhost:8080/healthz || exit 1"},
		Published:   []PublishedPort{{Container: 8080, HostIP: "0.0.0.0", Host: 18080}, {Container: 8080, HostIP: "::", Host: 18080}},
		EnvPorts:    []EnvPort{{"PORT", 8080}, {"DB_PORT", 5432}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("hints\n%+v, want\n%+v", s, want)
	}

	host := inspected("x", nil, "running", nil, "")
	host.Config.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
	host.HostConfig = &container.HostConfig{NetworkMode: "host"}
	s = ComposeService{}
	s.addInspect(host)
	if !s.HostNetwork || s.HealthCheck != nil {
		t.Errorf("host network, health check switched off: %+v", s)
	}
}

// The opsdeck.component label names the component where the compose
// service name does not; a value that is no component is ignored, and a
// config's mapping wins over both.
func TestComponentLabel(t *testing.T) {
	e, err := New(Config{Name: "t", Resolve: func(p, s string) (string, backend.Component, bool) {
		return "shop-site", backend.ComponentLanding, s == "site"
	}})
	if err != nil {
		t.Fatal(err)
	}
	labels := func(service, comp string) map[string]string {
		l := map[string]string{labelProject: "shop", labelService: service}
		if comp != "" {
			l[LabelComponent] = comp
		}
		return l
	}
	cases := []struct {
		service, label string
		comp           backend.Component
		from           string
	}{
		{"storefront", "web", backend.ComponentWeb, FromLabel},
		{"storefront", " Landing ", backend.ComponentLanding, FromLabel},
		{"storefront", "database", backend.ComponentBackend, FromServiceName},
		{"frontend", "", backend.ComponentWeb, FromServiceName},
		{"site", "web", backend.ComponentLanding, FromConfig},
	}
	for _, c := range cases {
		_, comp, from := e.resolve("shop", c.service, labels(c.service, c.label))
		if comp != c.comp || from != c.from {
			t.Errorf("%s with label %q: %s from %s, want %s from %s", c.service, c.label, comp, from, c.comp, c.from)
		}
		if en, ok := e.entryOf(inspected("c", labels(c.service, c.label), "running", nil, "")); !ok || en.comp != c.comp {
			t.Errorf("%s with label %q: the inventory says %s", c.service, c.label, en.comp)
		}
	}
}
