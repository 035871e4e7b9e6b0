//go:build integration

package dockerbed

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/manacore/opsdeck/backend/testbed"
)

// cleanupRecorder is a testing.TB that keeps the Bed's cleanup for the
// test to run when it chooses, and records what the cleanup reports.
type cleanupRecorder struct {
	testing.TB
	cleanups []func()
	errs     []string
}

func (r *cleanupRecorder) Helper()          {}
func (r *cleanupRecorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *cleanupRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *cleanupRecorder) runCleanups() {
	for _, f := range slices.Backward(r.cleanups) {
		f()
	}
}

func exists(t *testing.T, c *client.Client, id string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.ContainerInspect(ctx, id)
	if err != nil && !cerrdefs.IsNotFound(err) {
		t.Fatalf("inspect %s: %v", id, err)
	}
	return err == nil
}

// control is a client of the test's own, to look after the Bed is gone.
func control(t *testing.T) *client.Client {
	t.Helper()
	host := testbed.Need(t, testbed.DockerHost)[testbed.DockerHost]
	c, err := Connect(host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func removeByID(t *testing.T, c *client.Client, id string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = c.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
	})
}

var noNetwork = &container.HostConfig{NetworkMode: "none"}

func TestBedRemovesWhatItsTestMadeAndNeverTheTestBeds(t *testing.T) {
	ctl := control(t)
	rec := &cleanupRecorder{TB: t}
	b := New(rec, "testbed-dockerbed", "kit")
	b.NeedImages(FleetV1)
	made := b.Create(b.Project+"-made", &container.Config{Image: FleetV1}, noNetwork)
	removeByID(t, ctl, made) // should the Bed fail to
	// What the code under test makes in the project (a rollback's new
	// container) need not carry the Bed's labels.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cr, err := ctl.ContainerCreate(ctx, &container.Config{Image: FleetV1, Labels: map[string]string{LabelProject: b.Project}},
		noNetwork, nil, nil, b.Project+"-by-the-code")
	if err != nil {
		t.Fatal(err)
	}
	inProject := cr.ID
	removeByID(t, ctl, inProject)
	// A test bed container that a filter matched by mistake.
	bedOwn := b.Create(b.Project+"-testbed", &container.Config{Image: FleetV1, Labels: map[string]string{LabelTestbed: "1"}}, noNetwork)
	removeByID(t, ctl, bedOwn)

	rec.runCleanups()
	if exists(t, ctl, made) || exists(t, ctl, inProject) {
		t.Errorf("after the cleanup: the Bed's container exists %v, the project's %v", exists(t, ctl, made), exists(t, ctl, inProject))
	}
	if !exists(t, ctl, bedOwn) {
		t.Error("the cleanup removed a container labelled as the test bed's")
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], b.Project+"-testbed") || !strings.Contains(rec.errs[0], "test bed") {
		t.Errorf("cleanup reported %q, want the test bed's container left alone", rec.errs)
	}
}

func TestRemoveLeftoversTakesThePackagesContainersOnly(t *testing.T) {
	ctl := control(t)
	b := New(t, "testbed-dockerbed", "kit")
	b.NeedImages(FleetV1)
	pkg := "testbed-dockerbed-" + b.Project // no other run's package
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	create := func(name string, labels map[string]string) string {
		cr, err := ctl.ContainerCreate(ctx, &container.Config{Image: FleetV1, Labels: labels}, noNetwork, nil, nil, b.Project+"-"+name)
		if err != nil {
			t.Fatal(err)
		}
		removeByID(t, ctl, cr.ID)
		return cr.ID
	}
	leftover := create("leftover", PkgLabels(pkg))
	other := create("other", PkgLabels(pkg+"-other"))
	if err := RemoveLeftovers(ctx, ctl, pkg); err != nil {
		t.Fatal(err)
	}
	if exists(t, ctl, leftover) || !exists(t, ctl, other) {
		t.Fatalf("leftover exists %v (want false), other package's %v (want true)", exists(t, ctl, leftover), exists(t, ctl, other))
	}
}

func TestRunFleetServesAndTurnsHealthy(t *testing.T) {
	b := New(t, "testbed-dockerbed", "kit")
	id, port := b.RunFleet(Fleet{Service: "api", Name: "api-1", Env: []string{"RPS=1"}, Labels: map[string]string{"opsdeck.colour": "blue"}})
	b.WaitHealthy(30*time.Second, id)
	in := b.Inspect(id)
	want := map[string]string{LabelProject: b.Project, LabelService: "api", LabelNumber: "1", LabelOneOff: "False",
		LabelTest: "1", LabelPkg: "testbed-dockerbed", LabelBed: b.Project, "opsdeck.colour": "blue"}
	for k, v := range want {
		if in.Config.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, in.Config.Labels[k], v)
		}
	}
	if in.Name != "/"+b.Project+"-api-1" || in.HostConfig.NetworkMode != "host" {
		t.Errorf("name %s, network %s", in.Name, in.HostConfig.NetworkMode)
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(fmt.Sprintf("http://127.0.0.1:%d/api/health", port))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health %s", resp.Status)
	}
}
