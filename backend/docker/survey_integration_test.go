//go:build integration

package docker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/manacore/opsdeck/backend"
)

// ComposeServices on a real engine: a service of two containers, the
// component from the opsdeck.component label, the health check and the
// ports of the environment of one of its containers; one-off and
// unlabelled containers are not services.
func TestComposeServices(t *testing.T) {
	bed := need(t)
	proj := bed.Project
	labels := func(service string, extra ...string) map[string]string {
		l := map[string]string{labelProject: proj, labelService: service, labelOneOff: "False"}
		for i := 0; i+1 < len(extra); i += 2 {
			l[extra[i]] = extra[i+1]
		}
		return l
	}
	check := &container.HealthConfig{Test: []string{"CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"}}
	hc := &container.HostConfig{NetworkMode: "none"}
	for _, n := range []string{"store-1", "store-2"} {
		bed.Create(proj+"-"+n, &container.Config{Image: imageRepo + ":v1", Labels: labels("store", LabelComponent, "web"),
			Env: []string{"PORT=8080", "METRICS_PORT=9100"}, Healthcheck: check}, hc)
	}
	bed.Start(proj + "-store-1")
	bed.Create(proj+"-store-run", &container.Config{Image: imageRepo + ":v1", Labels: labels("store", labelOneOff, "True")}, hc)
	bed.Create(proj+"-plain", &container.Config{Image: imageRepo + ":v1"}, hc)

	e := newEngine(t, Config{})
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	all, err := e.ComposeServices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mine []ComposeService
	for _, s := range all {
		if s.Project == proj {
			mine = append(mine, s)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("services of %s: %+v", proj, mine)
	}
	s := mine[0]
	if s.Name != proj+"-store" || s.Component != backend.ComponentWeb || s.ComponentFrom != FromLabel || s.Containers != 2 ||
		s.HostNetwork || strings.Join(s.HealthCheck, " ") != "CMD-SHELL curl -fsS http://localhost:8080/health || exit 1" ||
		len(s.EnvPorts) != 2 || s.EnvPorts[0] != (EnvPort{"PORT", 8080}) || s.EnvPorts[1] != (EnvPort{"METRICS_PORT", 9100}) {
		t.Errorf("service %+v", s)
	}
}
