//go:build integration

package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/health"
	"github.com/manacore/opsdeck/backend/prom"
	"github.com/manacore/opsdeck/backend/testbed"
	"github.com/manacore/opsdeck/backend/testbed/dockerbed"
)

// TestGatesFromRealPrometheus runs blue and green of a service as real
// containers, has the bed's Prometheus scrape them with their colour, and
// steers green: healthy, the gates pass and, once they held for the
// monitor period and green's own health URL answered over HTTP, the
// verdict is promote; with green's health endpoint failing it holds and
// names the URL; with errors, the error-rate gate fails, the verdict is
// roll back and the monitor clock stops; slow, the p95 gate fails.
func TestGatesFromRealPrometheus(t *testing.T) {
	env := testbed.Need(t, testbed.DockerHost, testbed.PromURL, testbed.PromTargets)
	bed := dockerbed.New(t, testPkg, "gate")
	project := bed.Project
	svc := project + "-backend"
	blue := colourContainer(bed, "blue", "v1.0.0")
	time.Sleep(1100 * time.Millisecond) // green starts later: the candidate
	green := colourContainer(bed, "green", "v1.1.0")

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

	eng, err := docker.New(docker.Config{Name: "tb", Host: bed.Host})
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
	greenHealth := fmt.Sprintf("http://127.0.0.1:%d/api/health", green)
	spec := Spec{Project: project, Service: svc, Monitor: 3 * time.Second, HealthURLs: map[string][]string{"green": {greenHealth}}}
	checker := &health.Checker{Timeout: 2 * time.Second}
	watch := Watch{Since: time.Now()} // as the deployments screen keeps it
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
		now := time.Now()
		watch.Health = &HealthRun{Colour: "green", At: now, Results: checker.CheckTargets(fctx, HealthTargets(spec, "green"))}
		st := EvaluateWatched(spec, backend.Snapshot{At: now, Services: services}, hist, watch, now)
		if st.Monitor.Broken {
			watch.BrokeAt = now
		}
		return st
	}
	waitVerdict := func(want Verdict, reason string, within time.Duration) Status {
		t.Helper()
		var st Status
		testbed.Eventually(t, within, fmt.Sprintf("verdict %s %q", want, reason), func() (bool, string) {
			st = status()
			return st.Verdict == want && strings.Contains(st.Reason, reason),
				fmt.Sprintf("%s %q, green gates %+v", st.Verdict, st.Reason, st.Env("green").Gates)
		})
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
	hc := &http.Client{Timeout: 2 * time.Second}
	for _, port := range []int{blue, green} {
		testbed.Eventually(t, 30*time.Second, fmt.Sprintf("container on %d answering", port), func() (bool, string) {
			resp, err := hc.Get(fmt.Sprintf("http://127.0.0.1:%d/api/health", port))
			if err != nil {
				return false, err.Error()
			}
			resp.Body.Close()
			return true, ""
		})
	}
	control(blue, "rps=20&error_pct=0&latency_ms=20&healthy=true")
	control(green, "rps=20&error_pct=0&latency_ms=40&healthy=true")
	st := waitVerdict(VerdictPromote, "health GREEN ✔", 90*time.Second)
	for _, g := range st.Env("green").Gates {
		if !g.Known() || !g.Pass() {
			t.Fatalf("promote with a gate not passing: %+v", st.Env("green").Gates)
		}
	}
	if !st.Monitor.Held() || st.Health.State() != StepOK {
		t.Fatalf("promote before the flow: monitor %+v, health %+v", st.Monitor, st.Health)
	}

	// Green's health endpoint fails: health check GREEN is red, hold.
	control(green, "rps=20&error_pct=0&latency_ms=40&healthy=false")
	st = waitVerdict(VerdictHold, "health check GREEN fails: "+greenHealth+" HTTP 503", 30*time.Second)
	if err := st.CanPromote("green"); err == nil {
		t.Fatal("promote allowed with green's health check failing")
	}
	control(green, "rps=20&error_pct=0&latency_ms=40&healthy=true")
	waitVerdict(VerdictPromote, "health GREEN ✔", 30*time.Second)

	control(green, "rps=20&error_pct=30&latency_ms=40&healthy=true")
	if st := waitVerdict(VerdictRollback, "error", 90*time.Second); !st.Monitor.Broken || st.Monitor.Held() {
		t.Fatalf("a failing gate left the monitor %+v", st.Monitor)
	}

	control(green, "rps=20&error_pct=0&latency_ms=1500&healthy=true")
	waitVerdict(VerdictRollback, "p95", 150*time.Second)
}
