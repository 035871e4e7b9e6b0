package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/alertmanager"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/docker/actions"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/health"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/backend/runbook"
	"github.com/manacore/opsdeck/backend/sim"
	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/views/kit"
)

// stateDir is where opsdeck keeps its records: the audit log, incidents
// and the version history. actions.state_dir, else $XDG_STATE_HOME/opsdeck,
// else ~/.local/state/opsdeck.
func stateDir(cfg *config.Config, getenv func(string) string) string {
	if d := cfg.Actions.StateDir; d != "" {
		return expandHome(d)
	}
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "opsdeck")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "opsdeck")
	}
	return filepath.Join(os.TempDir(), "opsdeck-state")
}

// localActor is who a console started by hand acts as: the OS user.
func localActor(readOnly bool, getenv func(string) string) backend.Actor {
	name := getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	role := backend.RoleOperator
	if readOnly {
		role = backend.RoleViewer
	}
	return backend.Actor{User: name, Role: role}
}

// enableActions opens the audit log and the incident store and builds the
// action runner with an executor for every kind the config can serve. The
// console calls it; `status` and `check` never touch the state directory.
func (a *app) enableActions(getenv func(string) string) error {
	cfg := a.cfg
	dir := stateDir(cfg, getenv)
	auditPath := auditLogPath(cfg, dir)
	log, err := audit.Open(auditPath)
	if err != nil {
		return err
	}
	a.closers = append(a.closers, log.Close)
	tree := drtree.Default()
	if p := cfg.Actions.DRTree; p != "" {
		data, err := os.ReadFile(expandHome(p))
		if err != nil {
			return fmt.Errorf("actions.dr_tree: %w", err)
		}
		if tree, err = drtree.Parse(p, data); err != nil {
			return err
		}
	}
	ex, backups, err := a.executors(dir)
	if err != nil {
		return err
	}
	// One desk for every console of this process (every serve session);
	// other processes on the same state directory share it through the
	// files, which it watches.
	desk, err := incident.OpenDesk(incident.DeskConfig{Dir: incidentsDir(dir), Reports: reportsDir(dir), Tree: tree, Backups: backups, Clock: a.ui.Clock})
	if err != nil {
		return err
	}
	a.runners = append(a.runners, desk.Run)
	// An action a killed opsdeck left without its after entry is closed
	// as interrupted and stamped on the open incident: what it did is for
	// the engineer to check, never to be taken as still running.
	if a.interrupted, err = log.CloseInterrupted(); err != nil {
		return err
	}
	for _, p := range a.interrupted {
		if err := desk.ActionInterrupted(p); err != nil {
			return fmt.Errorf("incident: %w", err)
		}
	}
	pairs := func(ctx context.Context) ([]audit.Pair, error) {
		// A local file read; ctx only bounds the wait for the answer.
		type res struct {
			p   []audit.Pair
			err error
		}
		ch := make(chan res, 1)
		go func() {
			entries, _, err := audit.Read(auditPath)
			ch <- res{audit.Pairs(entries), err}
		}()
		select {
		case r := <-ch:
			return r.p, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	a.ui.Deps.AuditPairs = pairs
	// The runner itself refuses a decommission inside the rollback
	// window, whichever console (or serve session) asked for it.
	if x, ok := ex[backend.ActKindCommand]; ok && len(cfg.Deployments) > 0 {
		now := a.ui.Clock
		if now == nil {
			now = time.Now
		}
		ex[backend.ActKindCommand] = &deploy.Guard{Next: x, Specs: cfg.Deployments, Snapshot: a.poller.Snapshot, Pairs: pairs, Now: now}
	}
	runner := &action.Runner{Audit: log, Executors: ex, Journal: desk}
	a.ui.Actions, a.ui.Deps.Incidents = runner, desk
	a.ui.DBServices = map[string][]string{}
	for _, d := range cfg.Databases {
		a.ui.DBServices[d.Name] = d.Services
	}
	a.auditPath = auditPath
	a.ui.Deployments = cfg.Deployments
	return nil
}

// executors maps each action kind to what runs it: the simulator for the
// demo fleet, else Docker, SSH commands, SSH restores and Alertmanager. It
// also says where the age of a database's newest backup is read (the RPO
// at stake in an incident), nil when nowhere.
func (a *app) executors(dir string) (map[backend.ActionKind]backend.ActionExecutor, backend.BackupAger, error) {
	cfg := a.cfg
	ex := map[backend.ActionKind]backend.ActionExecutor{}
	var backups backend.BackupAger
	if a.fleet != nil && len(a.engines) == 0 {
		sa := &sim.Actions{Fleet: a.fleet}
		if s := cfg.Sources.Simulator; s != nil {
			sa.Step = s.ActionStep
		}
		for _, k := range sim.Kinds {
			ex[k] = sa
		}
		a.ui.Deps.Silences, backups = sa, sa
		if cmds := cfg.Actions.Commands; len(cmds) > 0 {
			// The demo's commands (its blue/green steps) are planned and
			// quoted by the runbook executor, run by a simulated shell,
			// and change the simulated fleet's traffic.
			cx := &runbook.CommandExecutor{Runner: sim.Shell{Fleet: a.fleet, Step: sa.Step}, Hosts: map[string]ssh.Host{}}
			for _, c := range cmds {
				cx.Hosts[c.Host] = ssh.Host{Name: c.Host, Addr: "simulated"}
				cx.Specs = append(cx.Specs, runbook.CommandSpec{Name: c.Name, Host: c.Host, Argv: c.Argv, Timeout: c.Timeout, Destructive: c.Destructive})
			}
			if err := cx.Validate(); err != nil {
				return nil, nil, fmt.Errorf("actions.commands: %w", err)
			}
			ex[backend.ActKindCommand] = sim.Deploys{Commands: cx, Fleet: a.fleet}
		}
	}
	if len(a.engines) > 0 {
		dx, err := actions.New(a.engines, actions.Options{HealthTimeout: cfg.Actions.HealthTimeout,
			StateFile: filepath.Join(dir, "versions.json")})
		if err != nil {
			return nil, nil, err
		}
		for k, x := range dx.Executors() {
			ex[k] = x
		}
		// The version history learns from every snapshot, so a rollback
		// knows the image a service ran before.
		a.runners = append(a.runners, func(ctx context.Context) {
			var seen uint64
			for s := range a.poller.Subscribe(ctx) {
				// The same data (same revision) has nothing new to learn.
				if s.Rev != 0 && s.Rev == seen {
					continue
				}
				seen = s.Rev
				_ = dx.Observe(s.Services, time.Now())
			}
		})
	}
	// The simulator alone has nothing real to reach over SSH.
	if a.fleet == nil || len(a.engines) > 0 || cfg.Sources.SSH != nil {
		restores, err := a.sshExecutors(ex)
		if err != nil {
			return nil, nil, err
		}
		if restores != nil {
			backups = restores
		}
	}
	if rb := ex[backend.ActKindRollback]; rb != nil && a.fleet == nil {
		// A rollback is done when the service answers its health check.
		ex[backend.ActKindRollback] = action.HealthGate{ActionExecutor: rb, Check: a.checkService, Timeout: cfg.Actions.HealthTimeout}
	}
	if am := cfg.Sources.Alertmanager; am != nil {
		cl, err := a.alertmanagerClient(cfg)
		if err != nil {
			return nil, nil, err
		}
		x := &alertmanager.Executor{Client: cl, Timeout: am.Timeout}
		ex[backend.ActKindSilence], ex[backend.ActKindExpire] = x, x
		a.ui.Deps.Silences = alertmanager.Lister{Client: cl}
	}
	return ex, backups, nil
}

// sshExecutors adds the configured remote commands (and service rollbacks
// by command) and the database restores, which it returns (nil: none).
func (a *app) sshExecutors(ex map[backend.ActionKind]backend.ActionExecutor) (*runbook.RestoreExecutor, error) {
	cfg := a.cfg
	var dbs []runbook.DatabaseSpec
	for _, d := range cfg.Databases {
		if b := d.Backups; b != nil {
			spec := runbook.DatabaseSpec{Name: d.Name, Host: d.Host, DumpDir: b.Dir, Pattern: b.Pattern,
				BinDir: b.BinDir, Conn: b.Conn, Timeout: b.Timeout}
			for _, c := range b.Integrity {
				spec.Integrity = append(spec.Integrity, runbook.IntegrityCheck(c))
			}
			dbs = append(dbs, spec)
		}
	}
	// On the simulated fleet alone the commands run simulated (executors).
	cmds := cfg.Actions.Commands
	if a.fleet != nil && len(a.engines) == 0 {
		cmds = nil
	}
	if len(cmds) == 0 && len(dbs) == 0 {
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
	if len(cmds) > 0 {
		cx := &runbook.CommandExecutor{Runner: cl, Hosts: hosts, Rollbacks: map[string]string{}, Fallback: ex[backend.ActKindRollback]}
		if dx, ok := ex[backend.ActKindRollback].(*actions.Executor); ok {
			cx.Versions = dx.Versions // a rollback command's {version}: the ones seen running before
		}
		for _, c := range cfg.Actions.Commands {
			cx.Specs = append(cx.Specs, runbook.CommandSpec{Name: c.Name, Host: c.Host, Argv: c.Argv, Timeout: c.Timeout, Destructive: c.Destructive})
		}
		cx.Projects = map[string]string{}
		for _, p := range cfg.Projects {
			for _, s := range p.Services {
				cx.Projects[s.Name] = p.Name
			}
		}
		for _, s := range cfg.Services() {
			if sp, ok := serviceSpec(cfg, s.Name); ok && sp.RollbackCommand != "" {
				cx.Rollbacks[s.Name] = sp.RollbackCommand
			}
		}
		if err := cx.Validate(); err != nil {
			return nil, fmt.Errorf("actions.commands: %w", err)
		}
		ex[backend.ActKindCommand], ex[backend.ActKindRollback] = cx, cx
	}
	if len(dbs) > 0 {
		rx := &runbook.RestoreExecutor{Runner: cl, Hosts: hosts, Databases: dbs}
		if err := rx.Validate(); err != nil {
			return nil, fmt.Errorf("databases.backups: %w", err)
		}
		ex[backend.ActKindRestore] = rx
		return rx, nil
	}
	return nil, nil
}

// checkService runs one service's configured health check.
func (a *app) checkService(ctx context.Context, service string) (backend.CheckResult, bool) {
	sp, ok := serviceSpec(a.cfg, service)
	if !ok || sp.HealthURL == "" {
		return backend.CheckResult{}, false
	}
	c := health.Checker{Targets: []backend.CheckTarget{{Name: service, URL: sp.HealthURL}}}
	return c.CheckAll(ctx)[0], true
}

func serviceSpec(cfg *config.Config, name string) (config.ServiceSpec, bool) {
	for _, p := range cfg.Projects {
		for _, s := range p.Services {
			if s.Name == name {
				return s, true
			}
		}
	}
	return config.ServiceSpec{}, false
}

// interruptedNotice is the status bar's word on the interrupted actions
// at start: the first, and how many more.
func interruptedNotice(ps []audit.Pair) kit.NoticeMsg {
	if len(ps) == 0 {
		return kit.NoticeMsg{}
	}
	text := incident.InterruptedText(ps[0])
	if len(ps) > 1 {
		text += fmt.Sprintf(" (and %d more)", len(ps)-1)
	}
	return kit.NoticeMsg{Level: kit.LevelError, Text: text + ": opsdeck ended before it did; check the fleet"}
}
