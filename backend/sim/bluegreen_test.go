package sim

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
)

func TestBlueGreenCanary(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	svcs := Generate(3, 1)
	bg := svcs[0].Name
	f := New(Config{Seed: 5, Clock: func() time.Time { return now }, Services: svcs, Thresholds: backend.DefaultThresholds(), BlueGreen: []string{bg}})
	src := f.Sources()
	inv, err := src[0].Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tel, err := src[1].Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var cs []backend.Container
	for _, s := range inv.Services {
		if s.Name == bg {
			cs = s.Containers
		} else if len(s.Containers) > 0 && s.Containers[0].Colour != "" {
			t.Fatalf("%s is not blue/green but has a colour", s.Name)
		}
	}
	if len(cs) != 2 || cs[0].Colour != "blue" || cs[1].Colour != "green" || cs[0].Version == cs[1].Version ||
		!cs[1].StartedAt.After(cs[0].StartedAt) {
		t.Fatalf("containers %+v", cs)
	}
	cm := tel.ColourMetrics[bg]
	total := tel.Metrics[bg].RPS.V
	if math.Abs(cm["green"].RPS.V-0.1*total) > 1e-9 || math.Abs(cm["blue"].RPS.V-0.9*total) > 1e-9 || !cm["green"].P95MS.Valid {
		t.Fatalf("colour figures %+v of %v", cm, total)
	}
	// Each colour has its own error rate and p95, and the error rates
	// weigh back to the service's (the figure every other screen shows).
	b, g := cm["blue"], cm["green"]
	if !b.ErrorRatePct.Valid || !g.ErrorRatePct.Valid || b.ErrorRatePct.V == g.ErrorRatePct.V || b.P95MS.V == g.P95MS.V {
		t.Fatalf("blue %+v and green %+v share their figures", b, g)
	}
	if got, want := (b.RPS.V*b.ErrorRatePct.V+g.RPS.V*g.ErrorRatePct.V)/total, tel.Metrics[bg].ErrorRatePct.V; math.Abs(got-want) > 1e-9 {
		t.Fatalf("colours' error rates weigh to %v, the service's is %v", got, want)
	}
	if len(tel.ColourMetrics) != 1 {
		t.Fatalf("only %s reports per colour, got %d services", bg, len(tel.ColourMetrics))
	}
}

// The deployment steps move the simulated requests as a load balancer
// would, the colours' error rates always weighing back to the service's;
// a decommissioned colour is exited; the next deploy starts a new canary.
func TestDeployStepsMoveTheTraffic(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	svcs := Generate(3, 1)
	bg := svcs[0].Name
	f := New(Config{Seed: 5, Clock: func() time.Time { return now }, Services: svcs, Thresholds: backend.DefaultThresholds(), BlueGreen: []string{bg}})
	src := f.Sources()
	fetch := func() (map[string]backend.Metrics, backend.Metrics, []backend.Container) {
		t.Helper()
		inv, err := src[0].Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		tel, err := src[1].Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range inv.Services {
			if s.Name == bg {
				return tel.ColourMetrics[bg], tel.Metrics[bg], s.Containers
			}
		}
		t.Fatalf("no %s", bg)
		return nil, backend.Metrics{}, nil
	}
	share := func(step, colour, weight string, wantGreen float64) {
		t.Helper()
		if err := f.deployStep(bg, step, colour, weight, now); err != nil {
			t.Fatal(err)
		}
		cm, m, _ := fetch()
		if got := cm["green"].RPS.V / m.RPS.V; math.Abs(got-wantGreen) > 1e-9 {
			t.Fatalf("%s %s %s: green has %v of the requests, want %v", step, colour, weight, got, wantGreen)
		}
		var errs float64
		for _, c := range cm {
			errs += c.RPS.V * c.ErrorRatePct.Or(0)
		}
		if math.Abs(errs/m.RPS.V-m.ErrorRatePct.V) > 1e-9 {
			t.Fatalf("%s: the colours' error rates weigh to %v, the service's is %v", step, errs/m.RPS.V, m.ErrorRatePct.V)
		}
		for colour, c := range cm {
			if c.RPS.V == 0 && (c.ErrorRatePct.Valid || c.P95MS.Valid) {
				t.Fatalf("%s: %s takes no requests but has figures %+v", step, colour, c)
			}
		}
	}
	share("shift", "green", "50", 0.5)
	share("shift", "blue", "75", 0.25)
	share("promote", "green", "100", 1)
	if err := f.deployStep(bg, "decommission", "blue", "", now); err != nil {
		t.Fatal(err)
	}
	_, _, cs := fetch()
	if cs[0].Colour != "blue" || cs[0].State != backend.StateExited || cs[1].State != backend.StateRunning {
		t.Fatalf("after decommissioning blue: %+v", cs)
	}
	if err := f.deployStep(bg, "shift", "green", "150", now); err == nil {
		t.Fatal("a 150 % shift was taken")
	}
	if err := f.deployStep(bg, "shift", "purple", "10", now); err == nil {
		t.Fatal("a shift to purple was taken")
	}

	// The next deploy: a new canary at 10 %, both colours running.
	now = now.Add(30 * 24 * time.Hour)
	cm, m, cs := fetch()
	if math.Abs(cm["green"].RPS.V/m.RPS.V-canaryShare) > 1e-9 || cs[0].State != backend.StateRunning {
		t.Fatalf("a deploy later: green %v of %v, containers %+v", cm["green"].RPS, m.RPS, cs)
	}
}

// A colour's own health URLs answer while its container runs and are
// refused once it is decommissioned; a migration moves nothing.
func TestColourHealthURLsFollowTheContainers(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	svcs := Generate(3, 1)
	bg := svcs[0].Name
	f := New(Config{Seed: 5, Clock: func() time.Time { return now }, Services: svcs, Thresholds: backend.DefaultThresholds(), BlueGreen: []string{bg}})
	targets := []backend.CheckTarget{{Name: bg + "/green", URL: "http://localhost:3002/api/health"}, {Name: bg + "/blue", URL: "http://localhost:3001/api/health"},
		{Name: "nowhere/green", URL: "http://localhost:9/"}}
	got := f.CheckTargets(context.Background(), targets)
	if len(got) != 3 || !got[0].OK || got[0].Code != 200 || !got[1].OK || got[2].OK || got[2].Err == "" || got[0].Target != targets[0] {
		t.Fatalf("before: %+v", got)
	}
	if err := f.deployStep(bg, "migrate", "green", "", now); err != nil {
		t.Fatal(err)
	}
	if share := f.services[0].greenShare(f.opsOf(bg), now); share != canaryShare {
		t.Fatalf("a migration moved the traffic: green %v", share)
	}
	for _, step := range []struct{ step, colour, weight string }{{"promote", "green", "100"}, {"decommission", "blue", ""}} {
		if err := f.deployStep(bg, step.step, step.colour, step.weight, now); err != nil {
			t.Fatal(err)
		}
	}
	got = f.CheckTargets(context.Background(), targets[:2])
	if !got[0].OK || got[1].OK || got[1].Err != "connection refused" {
		t.Fatalf("after blue's decommission: %+v", got)
	}
}
