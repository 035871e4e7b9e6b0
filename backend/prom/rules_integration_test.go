//go:build integration

package prom

import (
	"context"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

// The test bed's rule file (scripts/testbed.d/rules.yml), as the real
// Prometheus evaluates it: TestbedAlwaysFiring fires from the first
// evaluation, FleetHighErrorRate for picture-backend's 10 % errors.
func TestIntegrationRules(t *testing.T) {
	env := testbed.Need(t, testbed.PromURL)
	s := tbSource(t, env[testbed.PromURL], nil)
	var rules []backend.Rule
	testbed.Eventually(t, 60*time.Second, "both test bed rules firing and evaluated", func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		if rules, err = s.Rules(ctx); err != nil {
			return false, err.Error()
		}
		firing := 0
		for _, r := range rules {
			if r.State == "firing" && r.Health == "ok" && !r.LastEvaluation.IsZero() {
				firing++
			}
		}
		return firing == 2, ""
	})
	byName := map[string]backend.Rule{}
	for _, r := range rules {
		byName[r.Name] = r
	}
	always := byName["TestbedAlwaysFiring"]
	if always.Group != "testbed" || always.Kind != backend.RuleAlerting || always.Query != "vector(1)" || always.Active != 1 {
		t.Errorf("TestbedAlwaysFiring: %+v", always)
	}
	if age := time.Since(always.LastEvaluation); age < 0 || age > time.Minute {
		t.Errorf("TestbedAlwaysFiring last evaluated %s ago, want within the 5 s evaluation interval", age)
	}
	if e := byName["FleetHighErrorRate"]; e.Active != 1 || e.File == "" {
		t.Errorf("FleetHighErrorRate: %+v, want one active alert (picture-backend) and its file", e)
	}
	if len(rules) != 2 {
		t.Errorf("%d rules, want the bed's 2: %+v", len(rules), rules)
	}
}

// A server that is not there says so, named, without the request's URL.
func TestIntegrationRulesUnreachable(t *testing.T) {
	addr := testbed.FreeAddr(t)
	s := tbSource(t, "http://"+addr, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.Rules(ctx)
	if want := "prometheus " + addr + ": rules: connection refused"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
