//go:build integration

package deploy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/runbook"
	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/backend/testbed/dockerbed"
)

// testPkg labels what this package's tests create on the test bed's engine.
const testPkg = "backend-deploy"

// colourContainer runs one fleetsvc container of the Bed's project, service
// backend, with the given colour label and image tag, and returns its port;
// the Bed removes it when the test ends.
func colourContainer(b *dockerbed.Bed, colour, tag string) int {
	_, port := b.RunFleet(dockerbed.Fleet{Service: "backend", Name: "backend-" + colour + "-1", Image: "opsdeck-fleetsvc:" + tag,
		Env: []string{"RPS=5", "ERROR_PCT=0", "LATENCY_MS=10"}, Labels: map[string]string{"opsdeck.colour": colour}})
	return port
}

// TestIntegrationBlueGreen: two colours of a service as real containers
// are told apart by their label (versions, start times, newer = candidate);
// a traffic shift runs as a configured command over the bed's real sshd
// through the audited action runner, writes the new split to a file read
// back over SSH, and comes back as history and as the split.
func TestIntegrationBlueGreen(t *testing.T) {
	env := testbed.Need(t, testbed.DockerHost, testbed.SSHAddr, testbed.SSHUser, testbed.SSHKey, testbed.SSHKnownHosts)
	testbed.Loopback(t, env[testbed.SSHAddr])
	bed := dockerbed.New(t, testPkg, "bg")
	project := bed.Project
	colourContainer(bed, "blue", "v1.0.0")
	time.Sleep(1100 * time.Millisecond) // green must start visibly later
	colourContainer(bed, "green", "v1.1.0")

	eng, err := docker.New(docker.Config{Name: "tb", Host: bed.Host})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); eng.Close() })
	go func() { _ = eng.Run(ctx) }()
	spec := Spec{Project: project, Service: project + "-backend", Commands: Commands{Shift: "bg-shift"}}
	var st Status
	var snap backend.Snapshot
	testbed.Eventually(t, 30*time.Second, "both colours up", func() (bool, string) {
		fctx, fcancel := context.WithTimeout(ctx, 10*time.Second)
		defer fcancel()
		part, err := eng.Fetch(fctx)
		snap = backend.Snapshot{At: time.Now(), Services: part.Services}
		st = Evaluate(spec, snap, nil, time.Now())
		return err == nil && st.Env("blue").Up == 1 && st.Env("green").Up == 1, fmt.Sprintf("%v %+v", err, st.Envs)
	})
	if st.Env("blue").Version() != "v1.0.0" || st.Env("green").Version() != "v1.1.0" || st.Candidate != "green" || st.Stable != "blue" ||
		!st.Env("green").LiveSince.After(st.Env("blue").LiveSince) {
		t.Fatalf("status %+v", st)
	}
	if st.Verdict != VerdictHold || !strings.Contains(st.Reason, "traffic split unknown") {
		t.Errorf("before any shift: %s %q", st.Verdict, st.Reason)
	}

	// The switch: a configured command over real SSH; the values are
	// placeholders, quoted by runbook, the file path a literal word.
	cl, err := ssh.NewClient(ssh.Config{KnownHosts: env[testbed.SSHKnownHosts], IdentityFiles: []string{env[testbed.SSHKey]}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	splitFile := "/tmp/opsdeck-" + project + ".split"
	t.Cleanup(func() { os.Remove(splitFile) })
	h := ssh.Host{Name: "tb", Addr: env[testbed.SSHAddr], User: env[testbed.SSHUser]}
	cx := &runbook.CommandExecutor{Runner: cl, Hosts: map[string]ssh.Host{"tb": h}, Specs: []runbook.CommandSpec{{
		Name: "bg-shift", Host: "tb", Destructive: true, Timeout: 30 * time.Second,
		Argv: []string{"sh", "-c", `printf '%s %s %s\n' "$1" "$2" "$3" > "$4"`, "sh", "{project}", "{colour}", "{weight}", splitFile}}}}
	if err := cx.Validate(); err != nil {
		t.Fatal(err)
	}
	log, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	r := &action.Runner{Audit: log, Executors: map[backend.ActionKind]backend.ActionExecutor{backend.ActKindCommand: cx}}
	a := backend.Action{Kind: backend.ActKindCommand, Target: spec.Commands.Shift, Actor: backend.Actor{User: "alice", Role: backend.RoleOperator},
		Params: Params(spec, StepShift, "green", "25", st.Env("green").Version())}
	actx, acancel := context.WithTimeout(ctx, time.Minute)
	defer acancel()
	p, err := r.Plan(actx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Destructive || p.Confirm != spec.Service || !strings.Contains(p.Steps[0], " sh "+project+" green 25 "+splitFile) {
		t.Fatalf("plan %+v", p)
	}
	if err := r.Execute(actx, p, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	if _, err := cl.Run(actx, h, ssh.Command{Argv: []string{"cat", splitFile}}, func(l ssh.Line) {
		if l.Stream == "stdout" {
			got = append(got, l.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != project+" green 25" {
		t.Fatalf("split file over ssh: %q", got)
	}

	// A value that is not a plain name never reaches the shell.
	bad := a
	bad.Params = Params(spec, StepShift, "green", "25;touch /tmp/pwned", "")
	if _, err := r.Plan(actx, bad); err == nil {
		t.Fatal("an unsafe weight was planned")
	}

	entries, _, err := audit.Read(log.Path())
	if err != nil {
		t.Fatal(err)
	}
	hist := History(spec, audit.Pairs(entries), snap)
	if len(hist) != 3 || hist[0].Step != StepShift || hist[0].User != "alice" || hist[0].Result != audit.ResultOK || hist[0].Weight != "25" || hist[0].Version != "v1.1.0" {
		t.Fatalf("history %+v", hist)
	}
	st = Evaluate(spec, snap, hist, time.Now())
	if st.SplitFrom != SplitCommand || st.Env("green").Share.V != 25 || st.Env("blue").Share.V != 75 {
		t.Errorf("split after the shift: %q blue %v green %v", st.SplitFrom, st.Env("blue").Share, st.Env("green").Share)
	}
}
