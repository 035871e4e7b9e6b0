package main

import (
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/health"
	"github.com/manacore/opsdeck/backend/sim"
)

// The deployments' colour health URLs are checked by whatever checks the
// fleet's: the simulator on the demo, HTTP (with its settings) elsewhere.
func TestColourHealthURLsUseTheFleetsChecker(t *testing.T) {
	cfg := config.Default()
	fleet := sim.New(sim.Config{Seed: 1, Clock: func() time.Time { return time.Unix(0, 0) }, Services: cfg.Services(), Thresholds: backend.DefaultThresholds()})
	if _, ok := targetChecker(healthChecker(cfg, fleet)).(*sim.Fleet); !ok {
		t.Error("the demo's colour health URLs are not the simulator's")
	}
	cfg.Sources.Prometheus = &config.Prometheus{URL: "http://127.0.0.1:9"}
	if _, ok := targetChecker(healthChecker(cfg, fleet)).(*health.Checker); !ok {
		t.Error("a real fleet's colour health URLs are not checked over HTTP")
	}
}
