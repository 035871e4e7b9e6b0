//go:build integration

package actions

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
)

// checkRestored asserts the service is back as it was: the old container
// under its own name, running on its image, and nothing else left.
func checkRestored(t *testing.T, b *bed, old, name, img string) {
	t.Helper()
	in := b.Inspect(name)
	if in.ID != old || in.Config.Image != img || !in.State.Running {
		t.Errorf("%s is %s on %s running %v; want the old %s running", name, in.ID[:12], in.Config.Image, in.State.Running, old[:12])
	}
	if b.exists(name + backupSuffix) {
		t.Error("backup name still in use")
	}
	b.WaitHealthy(30*time.Second, old)
}

func TestRollbackToUnhealthyImageRestoresOld(t *testing.T) {
	b := newBed(t)
	broken := b.buildBroken()
	old := b.run("api", "api-1", imageV2)
	b.WaitHealthy(30*time.Second, old)
	x, _ := New([]*docker.Engine{b.eng}, Options{HealthTimeout: 30 * time.Second, StopTimeout: 5 * time.Second})
	svc, name := b.service("api"), b.Project+"-api-1"
	p := b.plan(x, act(backend.ActKindRollback, svc, map[string]string{"image": broken}), hasSteps(1))

	var out lines
	t0 := time.Now()
	err := x.Execute(context.Background(), p, out.out)
	t.Logf("failed rollback and restore took %v: %v", time.Since(t0).Round(10*time.Millisecond), err)
	if err == nil {
		t.Fatalf("rollback to a broken image succeeded\n%s", &out)
	}
	for _, want := range []string{"health unhealthy", "last health probe: exit code 2", "restored the old container(s): " + name} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	checkRestored(t, b, old, name, imageV2)

	// Safe to retry: the same plan is made again and fails the same way.
	p2 := b.plan(x, act(backend.ActKindRollback, svc, map[string]string{"image": broken}), hasSteps(1))
	if strings.Join(p2.Steps, "\n") != strings.Join(p.Steps, "\n") {
		t.Errorf("plan after restore differs:\n%q\n%q", p2.Steps, p.Steps)
	}
}

func TestRollbackCancelledDuringHealthWaitRestoresOld(t *testing.T) {
	b := newBed(t)
	broken := b.buildBroken()
	old := b.run("api", "api-1", imageV2)
	b.WaitHealthy(30*time.Second, old)
	x, _ := New([]*docker.Engine{b.eng}, Options{HealthTimeout: 30 * time.Second, StopTimeout: 5 * time.Second})
	svc, name := b.service("api"), b.Project+"-api-1"
	p := b.plan(x, act(backend.ActKindRollback, svc, map[string]string{"image": broken}), hasSteps(1))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelledAt time.Time
	out := lines{on: func(s string) {
		if strings.Contains(s, "waiting until") && cancelledAt.IsZero() {
			cancelledAt = time.Now()
			cancel() // ctrl+c while the new container is still "starting"
		}
	}}
	err := x.Execute(ctx, p, out.out)
	if cancelledAt.IsZero() {
		t.Fatalf("never reached the health wait: %v\n%s", err, &out)
	}
	took := time.Since(cancelledAt)
	t.Logf("cancel to restored: %v; %v", took.Round(10*time.Millisecond), err)
	if err == nil || !strings.Contains(err.Error(), "cancelled") || !strings.Contains(err.Error(), "health starting") ||
		!strings.Contains(err.Error(), "restored the old container(s): "+name) {
		t.Errorf("error %v", err)
	}
	if took > 10*time.Second {
		t.Errorf("cancel took %v to return", took)
	}
	checkRestored(t, b, old, name, imageV2)
}
