//go:build integration

package actions

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/testbed/dockerbed"
)

func act(kind backend.ActionKind, target string, params map[string]string) backend.Action {
	return backend.Action{ID: "t-" + string(kind), Kind: kind, Target: target, Params: params,
		Actor: backend.Actor{User: "test", Role: backend.RoleOperator}}
}

func hasSteps(n int) func(backend.Plan) bool {
	return func(p backend.Plan) bool { return len(actionSteps(p.Steps)) >= n }
}

func TestRestartIsRollingAndEndsHealthy(t *testing.T) {
	b := newBed(t)
	id1 := b.run("api", "api-1", imageV1)
	id2 := b.run("api", "api-2", imageV1)
	b.WaitHealthy(30*time.Second, id1, id2)
	before := []string{b.Inspect(id1).State.StartedAt, b.Inspect(id2).State.StartedAt}
	x, err := New([]*docker.Engine{b.eng}, Options{HealthTimeout: 30 * time.Second, StopTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	svc := b.service("api")

	p := b.plan(x, act(backend.ActKindRestart, svc, nil), hasSteps(2))
	if !p.Destructive || p.Confirm != svc || p.Timeout < 60*time.Second {
		t.Errorf("plan destructive %v confirm %q timeout %v", p.Destructive, p.Confirm, p.Timeout)
	}
	want := "docker@acttest: restart " + b.Project + "-api-1 (" + id1[:12] + "), wait until healthy (timeout 30s)"
	if p.Steps[0] != want {
		t.Errorf("step 0 = %q\nwant     %q", p.Steps[0], want)
	}

	var out lines
	start := time.Now()
	if err := x.Execute(context.Background(), p, out.out); err != nil {
		t.Fatalf("restart: %v\n%s", err, &out)
	}
	t.Logf("rolling restart of 2 containers took %v", time.Since(start).Round(10*time.Millisecond))
	for i, id := range []string{id1, id2} {
		in := b.Inspect(id)
		if in.State.StartedAt == before[i] || !in.State.Running || dockerbed.HealthOf(in) != "healthy" {
			t.Errorf("%s after restart: started %s (before %s), running %v, health %s", in.Name, in.State.StartedAt, before[i], in.State.Running, dockerbed.HealthOf(in))
		}
	}
	// Rolling: api-1 was healthy again before api-2 was touched.
	log := out.String()
	healthy1 := strings.Index(log, b.Project+"-api-1 is healthy after")
	restart2 := strings.Index(log, "restarting "+b.Project+"-api-2")
	if healthy1 < 0 || restart2 < 0 || healthy1 > restart2 || strings.Contains(log, "BAD LINE") {
		t.Errorf("not rolling or bad lines:\n%s", log)
	}
}

func TestStopThenStartSeveralServices(t *testing.T) {
	b := newBed(t)
	api := b.run("api", "api-1", imageV1)
	web := b.run("web", "web-1", imageV1)
	b.WaitHealthy(30*time.Second, api, web)
	x, _ := New([]*docker.Engine{b.eng}, Options{HealthTimeout: 30 * time.Second, StopTimeout: 5 * time.Second})
	params := map[string]string{"services": b.service("api") + ", " + b.service("web")}

	stop := b.plan(x, act(backend.ActKindStop, "chatdb", params), hasSteps(2))
	if !stop.Destructive || stop.Confirm != "chatdb" {
		t.Errorf("stop plan destructive %v confirm %q", stop.Destructive, stop.Confirm)
	}
	var out lines
	if err := x.Execute(context.Background(), stop, out.out); err != nil {
		t.Fatalf("stop: %v\n%s", err, &out)
	}
	for _, id := range []string{api, web} {
		if in := b.Inspect(id); in.State.Running {
			t.Errorf("%s still running after stop", in.Name)
		}
	}

	start := b.plan(x, act(backend.ActKindStart, "chatdb", params), func(p backend.Plan) bool {
		return len(p.Steps) == 2 && strings.Contains(p.Steps[0], ": start ") && strings.Contains(p.Steps[1], ": start ")
	})
	if start.Destructive {
		t.Error("start is destructive")
	}
	t0 := time.Now()
	if err := x.Execute(context.Background(), start, out.out); err != nil {
		t.Fatalf("start: %v\n%s", err, &out)
	}
	t.Logf("start of 2 services took %v", time.Since(t0).Round(10*time.Millisecond))
	for _, id := range []string{api, web} {
		if in := b.Inspect(id); !in.State.Running || dockerbed.HealthOf(in) != "healthy" {
			t.Errorf("%s after start: running %v health %s", in.Name, in.State.Running, dockerbed.HealthOf(in))
		}
	}
}

func TestPlanErrorsAgainstEngine(t *testing.T) {
	b := newBed(t)
	b.run("api", "api-1", imageV2)
	x, _ := New([]*docker.Engine{b.eng}, Options{})
	svc := b.service("api")
	b.plan(x, act(backend.ActKindRestart, svc, nil), hasSteps(1)) // inventory caught up (a plan only: nothing runs)

	for _, c := range []struct {
		a    backend.Action
		want string
	}{
		{act(backend.ActKindRestart, b.service("nope"), nil), "unknown service " + b.service("nope") + ": no container of it on docker@acttest"},
		{act(backend.ActKindRollback, svc, map[string]string{"image": "opsdeck-fleetsvc:v9.9.9"}), "image opsdeck-fleetsvc:v9.9.9 is not on docker@acttest"},
		{act(backend.ActKindRollback, svc, map[string]string{"image": imageV2}), "every container runs " + imageV2 + " already"},
	} {
		_, err := x.Plan(context.Background(), c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: err = %v, want %q", c.a.Kind, c.a.Params, err, c.want)
		}
	}
	// Never seen running another version: the rollback offers the other
	// tags of its repository on the engine, newest first, and goes to the
	// first unless another is chosen; the image it runs is not offered.
	p, err := x.Plan(context.Background(), act(backend.ActKindRollback, svc, nil))
	if err != nil {
		t.Fatalf("rollback with only the engine's tags: %v", err)
	}
	i := slices.IndexFunc(p.Options, func(o backend.ParamOption) bool { return o.Value == imageV1 })
	if i < 0 || p.Options[i].Param != "image" || !strings.Contains(p.Options[i].Label, imageV1+" · on docker@acttest, built ") ||
		slices.ContainsFunc(p.Options, func(o backend.ParamOption) bool { return o.Value == imageV2 }) ||
		!strings.Contains(p.Steps[0], "from "+p.Options[0].Value) {
		t.Errorf("rollback options %+v, steps %q", p.Options, p.Steps)
	}
	// A leftover backup from an interrupted rollback blocks the next one.
	b.run("other", "api-1"+backupSuffix, imageV1)
	_, err = x.Plan(context.Background(), act(backend.ActKindRollback, svc, map[string]string{"image": imageV1}))
	if err == nil || !strings.Contains(err.Error(), "leftover container "+b.Project+"-api-1"+backupSuffix) {
		t.Errorf("leftover backup: err = %v", err)
	}
}

func TestRollbackToPreviousVersion(t *testing.T) {
	b := newBed(t)
	state := filepath.Join(t.TempDir(), "versions.json")
	old := b.run("api", "api-1", imageV1, "FOO=bar")
	b.WaitHealthy(30*time.Second, old)
	orig := b.Inspect(old)
	x, err := New([]*docker.Engine{b.eng}, Options{HealthTimeout: 30 * time.Second, StopTimeout: 5 * time.Second, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	svc, name := b.service("api"), b.Project+"-api-1"
	b.plan(x, act(backend.ActKindRestart, svc, nil), hasSteps(1)) // inventory caught up (a plan only)
	b.observe(x, time.Now())

	// "Deploy" v1.1.0 with an explicit image, then let the history see it.
	up := b.plan(x, act(backend.ActKindRollback, svc, map[string]string{"image": imageV2}), hasSteps(1))
	var out lines
	if err := x.Execute(context.Background(), up, out.out); err != nil {
		t.Fatalf("to v1.1.0: %v\n%s", err, &out)
	}
	if in := b.Inspect(name); in.Config.Image != imageV2 || in.Config.Labels["org.opencontainers.image.version"] != "1.1.0" {
		t.Fatalf("after upgrade: image %s, version label %q", in.Config.Image, in.Config.Labels["org.opencontainers.image.version"])
	}
	if b.exists(old) {
		t.Error("old container not removed after a successful re-create")
	}
	b.plan(x, act(backend.ActKindRestart, svc, nil), func(backend.Plan) bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		part, err := b.eng.Fetch(ctx)
		return err == nil && slices.ContainsFunc(part.Services, func(s backend.Service) bool { return s.Name == svc && s.Version() == "v1.1.0" })
	})
	b.observe(x, time.Now())

	// A restart of opsdeck: the history comes back from the state file.
	x, err = New([]*docker.Engine{b.eng}, Options{HealthTimeout: 30 * time.Second, StopTimeout: 5 * time.Second, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	p := b.plan(x, act(backend.ActKindRollback, svc, nil), hasSteps(1))
	if !p.Destructive || p.Confirm != svc || !strings.Contains(p.Steps[0], "from "+imageV1) || !strings.Contains(p.Steps[0], "instead of "+imageV2) {
		t.Fatalf("rollback plan %+v", p)
	}
	// The version seen running before is offered first, as what it is.
	if len(p.Options) == 0 || p.Options[0].Value != imageV1 || !strings.Contains(p.Options[0].Label, imageV1+" · ran until ") {
		t.Fatalf("rollback options %+v", p.Options)
	}
	before := b.Inspect(name).ID
	t0 := time.Now()
	if err := x.Execute(context.Background(), p, out.out); err != nil {
		t.Fatalf("rollback: %v\n%s", err, &out)
	}
	t.Logf("rollback of 1 container took %v", time.Since(t0).Round(10*time.Millisecond))
	in := b.Inspect(name)
	if in.ID == before || b.exists(before) || b.exists(name+backupSuffix) {
		t.Errorf("new %s, old %s exists %v, backup exists %v", in.ID[:12], before[:12], b.exists(before), b.exists(name+backupSuffix))
	}
	if in.Config.Image != imageV1 || !in.State.Running || dockerbed.HealthOf(in) != "healthy" {
		t.Errorf("after rollback: image %s running %v health %s", in.Config.Image, in.State.Running, dockerbed.HealthOf(in))
	}
	if !slices.Contains(in.Config.Env, "FOO=bar") || !slices.Equal(in.Config.Env, orig.Config.Env) {
		t.Errorf("env %q, want %q", in.Config.Env, orig.Config.Env)
	}
	for k, v := range orig.Config.Labels {
		if in.Config.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, in.Config.Labels[k], v)
		}
	}
	if in.HostConfig.NetworkMode != "host" {
		t.Errorf("network mode %s", in.HostConfig.NetworkMode)
	}
}
