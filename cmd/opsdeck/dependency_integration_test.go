//go:build integration

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/prom"
	"github.com/manacore/opsdeck/backend/testbed"
)

// TestDependencyGoesDownWhenItsTargetStops stops the real container behind
// a dependency and watches the real blackbox probe, read through the real
// Prometheus, turn the dependency down; then starts it again.
func TestDependencyGoesDownWhenItsTargetStops(t *testing.T) {
	tb := testbed.Need(t, testbed.DockerHost, testbed.PromURL, testbed.DepTarget)
	container, url, _ := strings.Cut(tb[testbed.DepTarget], "=")
	testbed.Loopback(t, strings.TrimPrefix(strings.Split(url, "/api")[0], "http://"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	eng, err := docker.New(docker.Config{Name: "tb", Host: tb[testbed.DockerHost]})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stopRun := context.WithCancel(ctx)
	go func() { _ = eng.Run(runCtx) }()
	defer func() { stopRun(); _ = eng.Close() }()

	src, err := prom.New(prom.Config{URL: tb[testbed.PromURL], ServiceLabel: "service", Dependencies: map[string]string{"target": url}})
	if err != nil {
		t.Fatal(err)
	}
	dep := func() backend.Dependency {
		fctx, fcancel := context.WithTimeout(ctx, 5*time.Second)
		defer fcancel()
		p, _ := src.Fetch(fctx)
		for _, d := range p.Dependencies {
			if d.Name == "target" {
				return d
			}
		}
		return backend.Dependency{}
	}
	waitDep := func(up bool) {
		t.Helper()
		testbed.Eventually(t, 60*time.Second, fmt.Sprintf("dependency up=%v", up), func() (bool, string) {
			d := dep()
			return d.Up == up && !d.CheckedAt.IsZero(), fmt.Sprintf("%+v", d)
		})
	}
	waitDep(true)

	id := containerID(t, ctx, eng, container)
	if err := eng.Stop(ctx, id, time.Second); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Leave the bed as we found it.
		sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer scancel()
		_ = eng.Start(sctx, id)
	})
	waitDep(false)
	if err := eng.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	waitDep(true)
}

func containerID(t *testing.T, ctx context.Context, eng *docker.Engine, name string) string {
	t.Helper()
	var id string
	testbed.Eventually(t, 20*time.Second, "container "+name+" in the inventory", func() (bool, string) {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		p, err := eng.Fetch(fctx)
		if err != nil {
			return false, err.Error()
		}
		for _, s := range p.Services {
			for _, c := range s.Containers {
				if c.Name == name {
					id = c.ID
					return true, ""
				}
			}
		}
		return false, "not found"
	})
	return id
}
