// Package dockerbed is the Docker part of the test kit in backend/testbed:
// a test's own share of the test bed's engine. A Bed gives a test a client,
// a compose project name no other test uses, and labels by which it removes,
// when the test ends, what the test made there; never the test bed's own
// containers, which share the engine (and the opsdeck.test label).
//
// It is a package of its own so that only the tests that use Docker link
// its client: testbed (Need, Eventually, FreePort) stays standard library.
package dockerbed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/manacore/opsdeck/backend/testbed"
)

// Labels on what tests create, and on what they must leave alone.
const (
	// LabelTest is "1" on all a test makes. The test bed's fleet carries
	// it too, so nothing is ever removed by it alone.
	LabelTest = "opsdeck.test"
	// LabelPkg names the test package that made it: RemoveLeftovers
	// matches it.
	LabelPkg = "opsdeck.test.pkg"
	// LabelBed is the Project of the Bed (one test) that made it: the
	// Bed's cleanup matches it.
	LabelBed = "opsdeck.test.bed"
	// LabelTestbed marks the containers of scripts/testbed: a test never
	// removes one, whatever else it matches.
	LabelTestbed = "opsdeck.testbed"

	LabelProject = "com.docker.compose.project"
	LabelService = "com.docker.compose.service"
	LabelNumber  = "com.docker.compose.container-number"
	LabelOneOff  = "com.docker.compose.oneoff"
)

// Connect returns a client on the engine at host (a DOCKER_HOST value).
func Connect(host string) (*client.Client, error) {
	return client.NewClientWithOpts(client.WithHost(host), client.WithAPIVersionNegotiation())
}

// PkgLabels are the labels of everything pkg's tests create, images too.
func PkgLabels(pkg string) map[string]string {
	return map[string]string{LabelTest: "1", LabelPkg: pkg}
}

// RemoveLeftovers force-removes every container of pkg's tests, those of
// an earlier run that was killed before its cleanup included. It is for a
// TestMain that owns the package's containers; tests use a Bed.
func RemoveLeftovers(ctx context.Context, c *client.Client, pkg string) error {
	return removeLabelled(ctx, c, LabelPkg+"="+pkg)
}

// removeLabelled force-removes the containers carrying label (key=value),
// except any of the test bed's, which it reports instead.
func removeLabelled(ctx context.Context, c *client.Client, label string) error {
	list, err := c.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", label))})
	if err != nil {
		return fmt.Errorf("list containers labelled %s: %w", label, err)
	}
	var errs []error
	for _, ct := range list {
		name := strings.Join(ct.Names, ",")
		if ct.Labels[LabelTestbed] != "" {
			errs = append(errs, fmt.Errorf("container %s is labelled %s but is the test bed's: left alone", name, label))
			continue
		}
		if err := c.ContainerRemove(ctx, ct.ID, container.RemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("remove %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Bed is one test's share of the test bed's engine.
type Bed struct {
	Client  *client.Client // on the test bed's engine; closed when the test ends
	Host    string         // the engine's address, from the test bed's env
	Project string         // compose project of this test alone: a prefix and 6 hex digits; also its LabelBed value

	t   testing.TB
	pkg string
}

// New gives the test its share of the test bed's engine; without one it
// skips or fails the test as testbed.Need does. pkg names the test package
// (LabelPkg), prefix starts Project. When the test ends, every container
// with this Bed's label or in its compose project (what the code under
// test made there, such as a rollback's new container) is removed.
func New(t testing.TB, pkg, prefix string) *Bed {
	t.Helper()
	host := testbed.Need(t, testbed.DockerHost)[testbed.DockerHost]
	if u, err := url.Parse(host); err == nil && u.Scheme == "tcp" {
		testbed.Loopback(t, u.Host)
	}
	c, err := Connect(host)
	if err != nil {
		t.Fatalf("docker client on %s: %v", host, err)
	}
	id := make([]byte, 3)
	if _, err := rand.Read(id); err != nil {
		t.Fatal(err)
	}
	b := &Bed{Client: c, Host: host, Project: prefix + hex.EncodeToString(id), t: t, pkg: pkg}
	t.Cleanup(b.cleanup)
	return b
}

func (b *Bed) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, label := range []string{LabelBed + "=" + b.Project, LabelProject + "=" + b.Project} {
		if err := removeLabelled(ctx, b.Client, label); err != nil {
			b.t.Errorf("cleanup: %v", err)
		}
	}
	_ = b.Client.Close()
}

// Labels are the labels of what this Bed creates.
func (b *Bed) Labels() map[string]string {
	l := PkgLabels(b.pkg)
	l[LabelBed] = b.Project
	return l
}

// Create creates a container named name from cfg, with the Bed's labels
// added to cfg's, and returns its ID. It is removed when the test ends.
func (b *Bed) Create(name string, cfg *container.Config, hc *container.HostConfig) string {
	b.t.Helper()
	withLabels := *cfg
	withLabels.Labels = maps.Clone(cfg.Labels)
	if withLabels.Labels == nil {
		withLabels.Labels = map[string]string{}
	}
	maps.Copy(withLabels.Labels, b.Labels())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cr, err := b.Client.ContainerCreate(ctx, &withLabels, hc, nil, nil, name)
	if err != nil {
		b.t.Fatalf("create %s: %v", name, err)
	}
	return cr.ID
}

// Start starts a container.
func (b *Bed) Start(idOrName string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := b.Client.ContainerStart(ctx, idOrName, container.StartOptions{}); err != nil {
		b.t.Fatalf("start %s: %v", idOrName, err)
	}
}

// Run creates and starts a container and returns its ID.
func (b *Bed) Run(name string, cfg *container.Config, hc *container.HostConfig) string {
	b.t.Helper()
	id := b.Create(name, cfg, hc)
	b.Start(name)
	return id
}

// Inspect inspects a container, failing the test when it cannot.
func (b *Bed) Inspect(idOrName string) container.InspectResponse {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in, err := b.Client.ContainerInspect(ctx, idOrName)
	if err != nil {
		b.t.Fatalf("inspect %s: %v", idOrName, err)
	}
	return in
}

// HealthOf is an inspected container's health status, "none" when it has
// no health check.
func HealthOf(in container.InspectResponse) string {
	if in.State == nil || in.State.Health == nil {
		return container.NoHealthcheck
	}
	return in.State.Health.Status
}

// WaitHealthy waits until every container of ids is healthy, all of them
// within one bound.
func (b *Bed) WaitHealthy(within time.Duration, ids ...string) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for _, id := range ids {
		testbed.Eventually(b.t, time.Until(deadline), "container "+id+" healthy", func() (bool, string) {
			in := b.Inspect(id)
			return HealthOf(in) == container.Healthy, fmt.Sprintf("%+v", in.State)
		})
	}
}
