package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/alertmanager"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/health"
	"github.com/manacore/opsdeck/backend/pgstat"
	"github.com/manacore/opsdeck/backend/poll"
	"github.com/manacore/opsdeck/backend/sim"
	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/sshconfig"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui"
	"github.com/manacore/opsdeck/views/kit"
)

// app is everything the console needs, wired from the config.
type app struct {
	cfg    *config.Config
	poller *poll.Poller
	ui     tui.Options
	// runners are background loops of sources (event streams) that must
	// run beside the poller; closers release connections on exit.
	runners []func(context.Context)
	closers []func() error
	jobs    []poll.Job
	checker backend.HealthChecker
	engines []*docker.Engine
	ssh     *ssh.Client
	sshRes  *sshconfig.Resolver  // host names through sources.ssh and ~/.ssh/config, see sshResolver
	am      *alertmanager.Client // the one Alertmanager client, see alertmanagerClient
	fleet   *sim.Fleet           // the simulator, when configured
	getenv  func(string) string
	// auditPath is the audit log of this console (set by enableActions).
	auditPath string
	// interrupted are the actions a killed opsdeck left unfinished,
	// closed by enableActions.
	interrupted []audit.Pair
}

// start runs the sources' background loops until ctx ends.
func (a *app) start(ctx context.Context) {
	for _, r := range a.runners {
		go r(ctx)
	}
}

func (a *app) close() {
	for _, c := range a.closers {
		_ = c()
	}
}

// maxTimeout is the longest fetch timeout of any source.
func (a *app) maxTimeout() time.Duration {
	var d time.Duration
	for _, j := range a.jobs {
		d = max(d, j.Timeout)
	}
	return d
}

// loadConfig finds and loads the config. Without one it opens the Docker
// engine found as the docker CLI finds it, or else the embedded demo fleet
// and why (zeroConfig); --demo (or $OPSDECK_DEMO, which a config named by
// --config or $OPSDECK_CONFIG outranks) opens the demo without looking.
func loadConfig(f flags, getenv func(string) string) (cfg *config.Config, demoWhy string, err error) {
	if f.demo {
		if f.config != "" {
			return nil, "", usageError{cmd: "opsdeck", msg: "--demo and --config: choose one (--demo opens the embedded demo fleet)"}
		}
		return config.Default(), "", nil
	}
	if getenv("OPSDECK_DEMO") != "" && f.config == "" && getenv("OPSDECK_CONFIG") == "" {
		return config.Default(), "", nil
	}
	path, err := config.Locate(f.config, getenv)
	if err != nil {
		return nil, "", err
	}
	if path != "" {
		cfg, err := config.Load(path)
		return cfg, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*zeroConfigWait)
	defer cancel()
	cfg, demoWhy = zeroConfig(ctx, getenv)
	return cfg, demoWhy, nil
}

func build(f flags, getenv func(string) string) (*app, error) {
	cfg, demoWhy, err := loadConfig(f, getenv)
	if err != nil {
		return nil, err
	}
	keys, err := newKeys(cfg)
	if err != nil {
		return nil, err
	}
	clock, err := frozenClock(f.clock)
	if err != nil {
		return nil, err
	}
	th, err := themeChoice(f.theme, cfg)
	if err != nil {
		return nil, err
	}

	a := &app{cfg: cfg, getenv: getenv}
	pc := poll.Config{
		Environment: cfg.Environment,
		Thresholds:  cfg.Thresholds,
		Services:    cfg.Services(),
		Clock:       clock,
		Log:         f.log,
	}
	var fleet *sim.Fleet
	if s := cfg.Sources.Simulator; s != nil {
		seed := s.Seed
		if f.seed != 0 {
			seed = f.seed
		}
		fleet = sim.New(sim.Config{
			Seed:         seed,
			Clock:        clock,
			Services:     cfg.Services(),
			Databases:    names(cfg.Databases, func(d config.Database) string { return d.Name }),
			Dependencies: names(cfg.Dependencies, func(d config.Dependency) string { return d.Name }),
			Profiles:     s.Profiles,
			Thresholds:   cfg.Thresholds,
			BlueGreen:    names(cfg.Deployments, func(d deploy.Spec) string { return d.Service }),
		})
		for _, src := range fleet.Sources() {
			pc.Jobs = append(pc.Jobs, poll.Job{Source: src, Interval: s.Interval, Timeout: s.Timeout})
		}
		pc.Demo = true
	}
	if err := a.addRealSources(cfg, &pc); err != nil {
		a.close()
		return nil, err
	}
	a.fleet = fleet
	a.checker = healthChecker(cfg, fleet)
	var logs backend.LogStreamer
	switch {
	case len(a.engines) > 0:
		logs = docker.LogRouter(a.engines)
	case fleet != nil:
		logs = fleet
	}
	a.poller = poll.New(pc)
	a.jobs = pc.Jobs
	// A frozen clock never changes the header: no point waking every second.
	a.ui = tui.Options{Hub: a.poller, Keys: keys, Theme: th, Clock: clock, NoTick: clock != nil, ReadOnly: f.readOnly, DemoWhy: demoWhy,
		Actor: localActor(f.readOnly, getenv), Contacts: cfg.Contacts, Deps: kit.Deps{Checker: a.checker, Targets: targetChecker(a.checker), Logs: logs, Ranges: a.ranges(fleet), Rules: a.rules(fleet)}}
	if a.ui.Deps.Databases, err = a.databases(cfg, fleet); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// newKeys builds the keymap with the config's rebinds. Each console gets
// its own: read-only mode disables bindings in the keymap it is given.
func newKeys(cfg *config.Config) (*keymap.KeyMap, error) {
	keys := keymap.Default()
	tui.RegisterViews(keys)
	for _, b := range cfg.Keys {
		if err := keys.Rebind(b.Action, b.Keys); err != nil {
			return nil, cfg.ErrorAt(b.Pos, "%v", err)
		}
	}
	if c := keys.Conflicts(); len(c) > 0 {
		return nil, errors.New(cfg.File + ": keys: " + strings.Join(c, "; "))
	}
	return keys, nil
}

// ranges is where the 24-hour chart reads history: Prometheus when
// configured, else the simulator.
func (a *app) ranges(fleet *sim.Fleet) backend.RangeQuerier {
	for _, j := range a.jobs {
		if q, ok := j.Source.(backend.RangeQuerier); ok {
			return q
		}
	}
	if fleet != nil {
		return fleet
	}
	return nil
}

// rules is where :rules lists Prometheus' rules: the configured
// Prometheus, else the simulator's.
func (a *app) rules(fleet *sim.Fleet) backend.RuleLister {
	for _, j := range a.jobs {
		if q, ok := j.Source.(backend.RuleLister); ok {
			return q
		}
	}
	if fleet != nil {
		return fleet
	}
	return nil
}

// databases is where a database's detail reads its statements and pool:
// psql over SSH for the databases with databases[].psql, the simulator
// for the demo's; nil when neither.
func (a *app) databases(cfg *config.Config, fleet *sim.Fleet) (backend.DBInspector, error) {
	in := &pgstat.Inspector{Hosts: map[string]ssh.Host{}}
	for _, d := range cfg.Databases {
		if p := d.Psql; p != nil {
			in.Specs = append(in.Specs, pgstat.Spec{Database: d.Name, Host: d.Host, BinDir: p.BinDir, PGHost: p.Host, Port: p.Port,
				User: p.User, DBName: p.DBName, PassFile: p.PassFile, Timeout: p.Timeout})
		}
	}
	if len(in.Specs) == 0 {
		if fleet != nil && len(a.engines) == 0 {
			return fleet, nil
		}
		return nil, nil
	}
	r, err := a.sshResolver(cfg)
	if err != nil {
		return nil, err
	}
	hosts, errs := sshHosts(cfg, r)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cl, err := a.sshClient(cfg)
	if err != nil {
		return nil, err
	}
	in.Runner = cl
	in.Hosts = hosts
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("databases.psql: %w", err)
	}
	return in, nil
}

// healthChecker checks the configured health URLs over HTTP; on the demo
// fleet (simulator only) the simulator answers, so the demo never reaches
// the public URLs it shows.
func healthChecker(cfg *config.Config, fleet *sim.Fleet) backend.HealthChecker {
	s := cfg.Sources
	if fleet != nil && len(s.Docker) == 0 && s.Prometheus == nil && s.Alertmanager == nil {
		return fleet
	}
	var targets []backend.CheckTarget
	for _, svc := range cfg.Services() {
		if svc.HealthURL != "" {
			targets = append(targets, backend.CheckTarget{Name: svc.Name, URL: svc.HealthURL})
		}
	}
	return &health.Checker{Targets: targets}
}

// targetChecker is the checker's way to check a blue/green colour's own
// health URLs: the same HTTP client settings, or the simulator's answers.
func targetChecker(c backend.HealthChecker) backend.TargetChecker {
	if t, ok := c.(backend.TargetChecker); ok {
		return t
	}
	return nil
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = name(x)
	}
	return out
}
