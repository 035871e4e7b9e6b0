//go:build integration

package actions

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/testbed"
)

const (
	imageV1 = "opsdeck-fleetsvc:v1.0.0"
	imageV2 = "opsdeck-fleetsvc:v1.1.0"
	testPkg = "backend-docker-actions"
)

// bed is one test's view of the test bed's engine: a plain client to set
// things up and inspect them, an Engine following it, and a compose
// project of the test's own; every container of that project (including
// the ones a rollback creates) is removed when the test ends.
type bed struct {
	t       *testing.T
	tc      *client.Client
	eng     *docker.Engine
	project string
}

func newBed(t *testing.T) *bed {
	t.Helper()
	host := testbed.Need(t, testbed.DockerHost)[testbed.DockerHost]
	tc, err := client.NewClientWithOpts(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tb := &bed{t: t, tc: tc, project: "acttest" + hex.EncodeToString(b)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		list, err := tc.ContainerList(ctx, container.ListOptions{All: true,
			Filters: filters.NewArgs(filters.Arg("label", "com.docker.compose.project="+tb.project))})
		if err != nil {
			t.Errorf("cleanup: %v", err)
		}
		for _, c := range list {
			if err := tc.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
				t.Errorf("cleanup %s: %v", c.Names, err)
			}
		}
		_ = tc.Close()
	})
	for _, im := range []string{imageV1, imageV2} {
		if _, err := tc.ImageInspect(context.Background(), im); err != nil {
			t.Fatalf("test bed image %s: %v (run scripts/testbed up)", im, err)
		}
	}
	eng, err := docker.New(docker.Config{Name: "acttest", Host: host})
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
func (b *bed) service(s string) string { return b.project + "-" + s }

// run starts a fleetsvc container the way scripts/testbed does (host
// network, PORT, the image's HEALTHCHECK) on a free loopback port.
func (b *bed) run(svc, name, img string, env ...string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := &container.Config{
		Image: img,
		Env:   append([]string{"PORT=" + strconv.Itoa(freePort(b.t)), "RPS=1"}, env...),
		Labels: map[string]string{
			"com.docker.compose.project": b.project, "com.docker.compose.service": svc,
			"com.docker.compose.oneoff": "False", "opsdeck.test": "1", "opsdeck.test.pkg": testPkg,
		},
	}
	full := b.project + "-" + name
	cr, err := b.tc.ContainerCreate(ctx, cfg, &container.HostConfig{NetworkMode: "host"}, nil, nil, full)
	if err != nil {
		b.t.Fatalf("create %s: %v", full, err)
	}
	if err := b.tc.ContainerStart(ctx, cr.ID, container.StartOptions{}); err != nil {
		b.t.Fatalf("start %s: %v", full, err)
	}
	return cr.ID
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (b *bed) inspect(idOrName string) container.InspectResponse {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	in, err := b.tc.ContainerInspect(ctx, idOrName)
	if err != nil {
		b.t.Fatalf("inspect %s: %v", idOrName, err)
	}
	return in
}

func (b *bed) exists(idOrName string) bool {
	_, err := b.tc.ContainerInspect(context.Background(), idOrName)
	return err == nil
}

func healthOf(in container.InspectResponse) string {
	if in.State.Health == nil {
		return "none"
	}
	return in.State.Health.Status
}

// waitHealthy waits for containers the test set up.
func (b *bed) waitHealthy(ids ...string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range ids {
		for healthOf(b.inspect(id)) != "healthy" {
			if time.Now().After(deadline) {
				b.t.Fatalf("%s not healthy: %+v", id, b.inspect(id).State)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// plan plans a until the engine's inventory has caught up with what the
// test just created (events arrive within milliseconds).
func (b *bed) plan(x *Executor, a backend.Action, ready func(backend.Plan) bool) backend.Plan {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		p, err := x.Plan(ctx, a)
		cancel()
		if err == nil && ready(p) {
			return p
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("plan %s %s: %v; steps %q", a.Kind, a.Target, err, p.Steps)
		}
		time.Sleep(50 * time.Millisecond)
	}
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
	ref := "opsdeck-acttest-broken:" + b.project
	dockerfile := "FROM " + imageV1 + "\nHEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD [\"/fleetsvc\", \"-no-such-flag\"]\n"
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	_ = tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile))})
	_, _ = tw.Write([]byte(dockerfile))
	_ = tw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp, err := b.tc.ImageBuild(ctx, &buf, build.ImageBuildOptions{Tags: []string{ref}, Remove: true, ForceRemove: true,
		Version: build.BuilderV1, Labels: map[string]string{"opsdeck.test": "1", "opsdeck.test.pkg": testPkg}})
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
		_, _ = b.tc.ImageRemove(ctx, ref, image.RemoveOptions{Force: true, PruneChildren: true})
	})
	return ref
}
