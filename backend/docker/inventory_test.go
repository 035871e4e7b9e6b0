package docker

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/manacore/opsdeck/backend"
)

func inspected(name string, labels map[string]string, status string, health *container.Health, started string) container.InspectResponse {
	return container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{
			ID: "id-" + name, Name: "/" + name, RestartCount: 2,
			State: &container.State{Status: container.ContainerState(status), Health: health, StartedAt: started},
		},
		Config: &container.Config{Image: "manacore/chat-backend:v1.6.0", Labels: labels},
	}
}

func TestEntryOf(t *testing.T) {
	e, err := New(Config{Name: "t", Resolve: func(p, s string) (string, backend.Component, bool) {
		if s == "jobs" {
			return "chat-worker", backend.ComponentBackend, true
		}
		return "", "", false
	}})
	if err != nil {
		t.Fatal(err)
	}
	compose := func(service string) map[string]string {
		return map[string]string{labelProject: "chat", labelService: service, labelOneOff: "False"}
	}
	en, ok := e.entryOf(inspected("chat-api-1", compose("api"), "running",
		&container.Health{Status: container.Healthy}, "2026-11-20T10:00:00.123456789Z"))
	c := en.c
	if !ok || en.service != "chat-api" || en.comp != backend.ComponentBackend || en.project != "chat" {
		t.Fatalf("entry %+v ok=%v", en, ok)
	}
	if c.Name != "chat-api-1" || c.Version != "v1.6.0" || c.State != backend.StateRunning || c.Health != backend.HealthHealthy ||
		c.Restarts != 2 || !c.StartedAt.Equal(time.Date(2026, 11, 20, 10, 0, 0, 123456789, time.UTC)) {
		t.Errorf("container %+v", c)
	}
	en, _ = e.entryOf(inspected("w", compose("jobs"), "created", nil, "0001-01-01T00:00:00Z"))
	if en.service != "chat-worker" || en.c.Health != backend.HealthNone || !en.c.StartedAt.IsZero() || en.c.State != backend.StateCreated {
		t.Errorf("override / never started: %+v", en)
	}
	oneoff := compose("api")
	oneoff[labelOneOff] = "True"
	for _, labels := range []map[string]string{oneoff, nil, {labelProject: "chat"}} {
		if _, ok := e.entryOf(inspected("x", labels, "running", nil, "")); ok {
			t.Errorf("labels %v: listed", labels)
		}
	}
}

func TestGroup(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	byID := map[string]entry{
		"b": {project: "chat", service: "chat-api", comp: backend.ComponentBackend, c: backend.Container{ID: "b", Name: "chat-api-2", StartedAt: t0.Add(time.Minute)}},
		"a": {project: "chat", service: "chat-api", comp: backend.ComponentBackend, c: backend.Container{ID: "a", Name: "chat-api-1", StartedAt: t0}},
		"w": {project: "chat", service: "chat-web", comp: backend.ComponentWeb, c: backend.Container{ID: "w", Name: "chat-web-1"}},
		"z": {project: "alpha", service: "alpha-web", comp: backend.ComponentWeb, c: backend.Container{ID: "z", Name: "alpha-web-1", StartedAt: t0}},
	}
	got := group(byID, "prod-1")
	if len(got) != 3 || got[0].Name != "alpha-web" || got[1].Name != "chat-api" || got[2].Name != "chat-web" {
		t.Fatalf("services %+v", got)
	}
	api := got[1]
	if api.Host != "prod-1" || api.Component != backend.ComponentBackend || !api.LastDeploy.Equal(t0.Add(time.Minute)) ||
		len(api.Containers) != 2 || api.Containers[0].Name != "chat-api-1" || api.Containers[1].Host != "prod-1" {
		t.Errorf("api %+v", api)
	}
	if !got[2].LastDeploy.IsZero() {
		t.Errorf("never-started service has a deploy time: %v", got[2].LastDeploy)
	}
}

// The grouping is kept while the inventory stands still and redone after
// any change to it.
func TestServicesRegroupOnlyOnChange(t *testing.T) {
	var inv inventory
	inv.init()
	inv.replace(map[string]entry{
		"a": {project: "chat", service: "chat-api", c: backend.Container{ID: "a", Name: "chat-api-1"}},
	}, "1.41")
	first, err := inv.services("h")
	if err != nil || len(first) != 1 {
		t.Fatalf("services %+v, %v", first, err)
	}
	again, _ := inv.services("h")
	if &again[0] != &first[0] {
		t.Error("an unchanged inventory was grouped again")
	}
	changes := []struct {
		what   string
		change func()
		want   int
	}{
		{"put", func() {
			inv.put("b", entry{project: "chat", service: "chat-web", c: backend.Container{ID: "b", Name: "chat-web-1"}})
		}, 2},
		{"drop", func() { inv.drop("a") }, 1},
		{"replace", func() { inv.replace(map[string]entry{}, "1.41") }, 0},
	}
	for _, c := range changes {
		before, _ := inv.services("h")
		c.change()
		after, _ := inv.services("h")
		if len(after) != c.want {
			t.Fatalf("after %s: %d services, want %d", c.what, len(after), c.want)
		}
		if len(after) > 0 && &after[0] == &before[0] {
			t.Errorf("after %s: the old grouping was returned", c.what)
		}
	}
	inv.setErr(errors.New("event stream lost"))
	if _, err := inv.services("h"); err == nil {
		t.Error("services of an inventory that is not current")
	}
}

// A burst of health reports says the container's new health; anything
// else in the burst, or a report of an unknown status, means inspecting.
func TestEventChange(t *testing.T) {
	cases := []struct {
		actions []string
		want    change
	}{
		{[]string{"health_status: healthy"}, change{health: backend.HealthHealthy}},
		{[]string{"health_status: healthy", "health_status: unhealthy"}, change{health: backend.HealthUnhealthy}},
		{[]string{"die", "health_status: healthy"}, change{health: backend.HealthHealthy, inspect: true}},
		{[]string{"health_status: sideways"}, change{inspect: true}},
		{[]string{"health_status"}, change{inspect: true}},
		{[]string{"start"}, change{inspect: true}},
	}
	for _, c := range cases {
		var got change
		for _, a := range c.actions {
			got = got.with(a)
		}
		if got != c.want {
			t.Errorf("%q: %+v, want %+v", c.actions, got, c.want)
		}
	}
}

// A health report updates a known container in place; an unknown one is
// left to an inspect.
func TestSetHealth(t *testing.T) {
	var inv inventory
	inv.init()
	inv.replace(map[string]entry{"a": {project: "p", service: "api", c: backend.Container{ID: "a", Name: "api-1", Health: backend.HealthHealthy}}}, "1.41")
	before, _ := inv.services("h")
	if inv.setHealth("zzz", backend.HealthUnhealthy) {
		t.Error("health set on a container the inventory does not hold")
	}
	if !inv.setHealth("a", backend.HealthUnhealthy) {
		t.Fatal("health not set on a known container")
	}
	after, _ := inv.services("h")
	if after[0].Containers[0].Health != backend.HealthUnhealthy || before[0].Containers[0].Health != backend.HealthHealthy {
		t.Errorf("health before %s, after %s", before[0].Containers[0].Health, after[0].Containers[0].Health)
	}
}

func TestNewAndLifecycleWithoutEngine(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"ssh://ops@db-1", "needs a dialer"},
		{"http://x", "scheme must be"},
		{"/var/run/docker.sock", "not a URL"},
	} {
		if _, err := New(Config{Name: "x", Host: c.host}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q): %v, want %q", c.host, err, c.want)
		}
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a name")
	}
	e, err := New(Config{Name: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name() != "docker@local" || e.Kind() != "docker" || e.Host() != DefaultHost || e.cfg.HostLabel != "local" || cap(e.statsSem) != 4 {
		t.Errorf("defaults: %s %s %s %+v", e.Name(), e.Kind(), e.Host(), e.cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.Fetch(ctx); err == nil || !strings.Contains(err.Error(), "has not been started") {
		t.Errorf("Fetch before Run: %v", err)
	}
	_ = e.Close()
	if _, err := e.Fetch(context.Background()); !errors.Is(err, errClosed) {
		t.Errorf("Fetch after Close: %v", err)
	}
	if err := e.Run(context.Background()); !errors.Is(err, errClosed) {
		t.Errorf("Run after Close: %v", err)
	}
}

// The dialer gets the engine's address, not net/http's "host:80".
func TestDialerAddress(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"ssh://ops@db-1", "unix /var/run/docker.sock"},
		{"ssh://ops@db-1:2222/run/user/1000/docker.sock", "unix /run/user/1000/docker.sock"},
		{"unix:///tmp/d.sock", "unix /tmp/d.sock"},
		{"tcp://10.0.0.5:2375", "tcp 10.0.0.5:2375"},
	} {
		var got string
		e, err := New(Config{Name: "x", Host: c.host, Dialer: func(_ context.Context, network, addr string) (net.Conn, error) {
			got = network + " " + addr
			return nil, errors.New("no network in unit tests")
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.cli.Ping(context.Background()); err == nil {
			t.Fatal("ping succeeded")
		}
		if got != c.want {
			t.Errorf("%s: dialer got %q, want %q", c.host, got, c.want)
		}
	}
}

// A dial failure reads as the engine plus the cause, without the client's
// request URL.
func TestUnreachableMessage(t *testing.T) {
	e, err := New(Config{Name: "db-1", Host: "ssh://ops@db-1", Dialer: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("ssh: handshake failed: host key mismatch")
	}})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Restart(context.Background(), "0123456789abcdef", 0)
	if want := "restart 0123456789ab: engine ssh://ops@db-1 unreachable: ssh: handshake failed: host key mismatch"; err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestStopOptions(t *testing.T) {
	if o := stopOptions(0); o.Timeout != nil {
		t.Errorf("0 must mean the container's default, got %d", *o.Timeout)
	}
	if o := stopOptions(500 * time.Millisecond); o.Timeout == nil || *o.Timeout != 1 {
		t.Error("500 ms must round up to 1 s, not 0 (kill at once)")
	}
	if o := stopOptions(10 * time.Second); *o.Timeout != 10 {
		t.Errorf("10 s: %d", *o.Timeout)
	}
}

// TestColourOf: the blue/green colour comes from the first configured
// label present, lower-cased; a value unfit for a command line is dropped.
func TestColourOf(t *testing.T) {
	e, err := New(Config{Name: "t", ColourLabels: []string{"deploy.colour", "opsdeck.colour"}})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{labelProject: "chat", labelService: "backend", "opsdeck.colour": "green", "deploy.colour": " Blue "}
	en, ok := e.entryOf(inspected("chat-backend-blue-1", labels, "running", nil, ""))
	if !ok || en.c.Colour != "blue" {
		t.Fatalf("colour %q ok=%v, want blue from the first label", en.c.Colour, ok)
	}
	delete(labels, "deploy.colour")
	if en, _ := e.entryOf(inspected("g", labels, "running", nil, "")); en.c.Colour != "green" {
		t.Errorf("fallback label: %q", en.c.Colour)
	}
	labels["opsdeck.colour"] = "green;rm -rf /"
	if en, _ := e.entryOf(inspected("x", labels, "running", nil, "")); en.c.Colour != "" {
		t.Errorf("unsafe colour kept: %q", en.c.Colour)
	}
	d, _ := New(Config{Name: "d"})
	if en, _ := d.entryOf(inspected("y", map[string]string{labelProject: "chat", labelService: "backend", DefaultColourLabel: "green"}, "running", nil, "")); en.c.Colour != "green" {
		t.Errorf("default label: %q", en.c.Colour)
	}
}
