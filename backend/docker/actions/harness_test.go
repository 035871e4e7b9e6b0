//go:build integration

package actions

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/backend/testbed/dockerbed"
)

const (
	imageV1 = dockerbed.FleetV1
	imageV2 = dockerbed.FleetV2
	testPkg = "backend-docker-actions"
)

// bed is one test's view of the test bed's engine: the kit's Bed (a plain
// client to set things up and inspect them, and a compose project of the
// test's own whose every container, the ones a rollback creates included,
// is removed when the test ends) and an Engine following it.
type bed struct {
	*dockerbed.Bed
	t   *testing.T
	eng *docker.Engine
}

func newBed(t *testing.T) *bed {
	t.Helper()
	tb := &bed{Bed: dockerbed.New(t, testPkg, "acttest"), t: t}
	tb.NeedImages(imageV1, imageV2)
	eng, err := docker.New(docker.Config{Name: "acttest", Host: tb.Host})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = eng.Close()
	})
	tb.eng = eng
	return tb
}

// service is the fleet name DefaultResolve gives a compose service of the
// test's project.
func (b *bed) service(s string) string { return b.Project + "-" + s }

// run starts a fleetsvc container the way scripts/testbed does (host
// network, PORT, the image's HEALTHCHECK) on a free loopback port.
func (b *bed) run(svc, name, img string, env ...string) string {
	b.t.Helper()
	id, _ := b.RunFleet(dockerbed.Fleet{Service: svc, Name: name, Image: img, Env: append([]string{"RPS=1"}, env...)})
	return id
}

func (b *bed) exists(idOrName string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := b.Client.ContainerInspect(ctx, idOrName)
	return err == nil
}

// plan plans a until the engine's inventory has caught up with what the
// test just created (events arrive within milliseconds).
func (b *bed) plan(x *Executor, a backend.Action, ready func(backend.Plan) bool) backend.Plan {
	b.t.Helper()
	var p backend.Plan
	testbed.Eventually(b.t, 10*time.Second, fmt.Sprintf("plan %s %s", a.Kind, a.Target), func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		p, err = x.Plan(ctx, a)
		return err == nil && ready(p), fmt.Sprintf("%v; steps %q", err, p.Steps)
	})
	return p
}

// observe feeds x the engine's inventory, as the poller would.
func (b *bed) observe(x *Executor, now time.Time) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	part, err := b.eng.Fetch(ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := x.Observe(part.Services, now); err != nil {
		b.t.Fatal(err)
	}
}

// lines collects an action's output.
type lines struct {
	mu  sync.Mutex
	all []string
	on  func(string)
}

func (l *lines) out(o backend.OutputLine) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if o.Stream != "info" || o.At.IsZero() {
		l.all = append(l.all, "BAD LINE "+o.Stream)
	}
	l.all = append(l.all, o.Text)
	if l.on != nil {
		l.on(o.Text)
	}
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

// buildBroken builds an image FROM the fleet image whose health check
// always fails (the probe gets an unknown flag and exits 2), the stand-in
// for a bad release; removed when the test ends.
func (b *bed) buildBroken() string {
	b.t.Helper()
	ref := "opsdeck-acttest-broken:" + b.Project
	dockerfile := "FROM " + imageV1 + "\nHEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD [\"/fleetsvc\", \"-no-such-flag\"]\n"
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	_ = tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile))})
	_, _ = tw.Write([]byte(dockerfile))
	_ = tw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp, err := b.Client.ImageBuild(ctx, &buf, build.ImageBuildOptions{Tags: []string{ref}, Remove: true, ForceRemove: true,
		Version: build.BuilderV1, Labels: dockerbed.PkgLabels(testPkg)})
	if err != nil {
		b.t.Fatalf("build %s: %v", ref, err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var msg struct{ Error string }
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			b.t.Fatal(err)
		}
		if msg.Error != "" {
			b.t.Fatalf("build %s: %s", ref, msg.Error)
		}
	}
	b.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, _ = b.Client.ImageRemove(ctx, ref, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	return ref
}
