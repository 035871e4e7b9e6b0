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
