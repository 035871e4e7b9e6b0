//go:build integration

package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/prom"
	"github.com/manacore/opsdeck/backend/testbed"
)

// TestGatesFromRealPrometheus runs blue and green of a service as real
// containers, has the bed's Prometheus scrape them with their colour, and
// steers green: healthy, the gates pass and the verdict is promote; with
// errors, the error-rate gate fails and the verdict is roll back; slow,
// the p95 gate fails.
func TestGatesFromRealPrometheus(t *testing.T) {
	env := testbed.Need(t, testbed.DockerHost, testbed.PromURL, testbed.PromTargets)
	tc, err := client.NewClientWithOpts(client.WithHost(env[testbed.DockerHost]), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tc.Close() })
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	project := "gate" + hex.EncodeToString(b)
	svc := project + "-backend"
	blue := colourContainer(t, tc, project, "blue", "v1.0.0")
	time.Sleep(1100 * time.Millisecond) // green starts later: the candidate
	green := colourContainer(t, tc, project, "green", "v1.1.0")

	// Prometheus scrapes both, labelled with service and colour.
	type group struct {
		Targets []string          `json:"targets"`
		Labels  map[string]string `json:"labels"`
	}
	targets, _ := json.Marshal([]group{
		{Targets: []string{fmt.Sprintf("127.0.0.1:%d", blue)}, Labels: map[string]string{"service": svc, "colour": "blue"}},
		{Targets: []string{fmt.Sprintf("127.0.0.1:%d", green)}, Labels: map[string]string{"service": svc, "colour": "green"}},
	})
	file := filepath.Join(env[testbed.PromTargets], project+".json")
	if err := os.WriteFile(file+".tmp", targets, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(file+".tmp", file); err != nil { // file_sd must never read half a file
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(file) })

	eng, err := docker.New(docker.Config{Name: "tb", Host: env[testbed.DockerHost]})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); eng.Close() })
	go func() { _ = eng.Run(ctx) }()
	src, err := prom.New(prom.Config{URL: env[testbed.PromURL], ServiceLabel: "service", ColourLabel: "colour",
		Queries: prom.DefaultQueries(), Services: []string{svc}})
	if err != nil {
		t.Fatal(err)
	}
	// The canary has 10 % of the traffic (the split a shift command made).
	hist := []Event{{At: time.Now().Add(-time.Minute), Step: StepShift, Colour: "green", Weight: "10", Result: "ok"}}
	spec := Spec{Project: project, Service: svc}
	status := func() Status {
		fctx, fcancel := context.WithTimeout(ctx, 10*time.Second)
		defer fcancel()
		inv, err := eng.Fetch(fctx)
		if err != nil {
			t.Fatal(err)
		}
		part, _ := src.Fetch(fctx) // an incomplete fetch still carries the colour figures it got
		services := inv.Services
		for i := range services {
			if cm, ok := part.ColourMetrics[services[i].Name]; ok {
				services[i].ColourMetrics = cm
			}
		}
		return Evaluate(spec, backend.Snapshot{At: time.Now(), Services: services}, hist, time.Now())
	}
	waitVerdict := func(want Verdict, reason string, within time.Duration) Status {
		t.Helper()
		deadline := time.Now().Add(within)
		var st Status
		for time.Now().Before(deadline) {
			if st = status(); st.Verdict == want && strings.Contains(st.Reason, reason) {
				return st
			}
			time.Sleep(2 * time.Second)
		}
		t.Fatalf("verdict %s %q never came; last %s %q, green gates %+v", want, reason, st.Verdict, st.Reason, st.Env("green").Gates)
		return st
	}
	control := func(port int, form string) {
		t.Helper()
		resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/control", port), "application/x-www-form-urlencoded", strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// Fresh containers: wait until both answer before steering them.
	for _, port := range []int{blue, green} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/health", port))
			if err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("container on %d never answered: %v", port, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	control(blue, "rps=20&error_pct=0&latency_ms=20&healthy=true")
	control(green, "rps=20&error_pct=0&latency_ms=40&healthy=true")
	st := waitVerdict(VerdictPromote, "", 90*time.Second)
	for _, g := range st.Env("green").Gates {
		if !g.Known() || !g.Pass() {
			t.Fatalf("promote with a gate not passing: %+v", st.Env("green").Gates)
		}
	}

	control(green, "rps=20&error_pct=30&latency_ms=40&healthy=true")
	waitVerdict(VerdictRollback, "error", 90*time.Second)

	control(green, "rps=20&error_pct=0&latency_ms=1500&healthy=true")
	waitVerdict(VerdictRollback, "p95", 150*time.Second)
}
