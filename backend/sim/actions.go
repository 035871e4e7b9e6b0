package sim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Actions runs every action on the simulated fleet: it states a plan like
// the real executors do and streams believable progress, so the demo and
// the wizard's tests walk the same flow as production. Nothing real is
// touched, and every step line says "(simulated)".
type Actions struct {
	Fleet *Fleet
	// Step is the pause between progress lines (0: 300ms); tests shorten it.
	Step time.Duration

	mu       sync.Mutex
	silences []backend.Silence
}

var _ backend.ActionExecutor = (*Actions)(nil)

// Kinds are the kinds the simulator can run.
var Kinds = []backend.ActionKind{backend.ActKindRestart, backend.ActKindRollback, backend.ActKindStop,
	backend.ActKindStart, backend.ActKindRestore, backend.ActKindSilence, backend.ActKindExpire}

// backupEvery is how often the simulated databases are dumped (nightly at
// 03:00 UTC), so the demo's RPO at stake moves like a real one.
const backupEvery = 24 * time.Hour

// dumps lists the simulated dumps of db, newest first.
func (x *Actions) dumps(db string) []backend.ParamOption {
	now := x.Fleet.now().UTC()
	last := time.Date(now.Year(), now.Month(), now.Day(), 3, 0, 0, 0, time.UTC)
	if last.After(now) {
		last = last.Add(-backupEvery)
	}
	var out []backend.ParamOption
	for i := 0; i < 5; i++ {
		t := last.Add(-time.Duration(i) * backupEvery)
		name := fmt.Sprintf("/var/backups/postgres/%s/%s-%s.dump", db, db, t.Format("20060102-1504"))
		out = append(out, backend.ParamOption{Param: "dump", Value: name,
			Label: fmt.Sprintf("%s · %d MiB · %s-%s.dump", t.Format("2006-01-02 15:04 UTC"), 40+i, db, t.Format("20060102-1504"))})
	}
	return out
}

// NewestBackup is the simulated nightly dump's time (backend.BackupAger).
func (x *Actions) NewestBackup(_ context.Context, db string) (time.Time, error) {
	d := x.dumps(db)
	return time.Parse("2006-01-02 15:04 UTC", strings.SplitN(d[0].Label, " · ", 2)[0])
}

// containers are the simulated containers of a service now.
func (x *Actions) containers(name string) ([]backend.Container, bool) {
	for _, s := range x.Fleet.services {
		if s.skel.Name == name {
			return s.shown(x.Fleet.now()), true
		}
	}
	return nil, false
}

// Plan describes what the real executor would do, marked simulated.
func (x *Actions) Plan(_ context.Context, a backend.Action) (backend.Plan, error) {
	p := backend.Plan{Action: a, Timeout: time.Minute, Destructive: true, Confirm: a.Target}
	if !backend.ValidIdent(a.Target) {
		return p, fmt.Errorf("%q is not a plain name", a.Target)
	}
	sim := " (simulated)"
	switch a.Kind {
	case backend.ActKindRestart, backend.ActKindRollback, backend.ActKindStop, backend.ActKindStart:
		targets := []string{a.Target}
		if svcs, ok := a.Params["services"]; ok {
			targets = strings.Split(svcs, ",")
		}
		for _, t := range targets {
			cs, ok := x.containers(t)
			if !ok {
				return p, fmt.Errorf("%s: no such service in the fleet", t)
			}
			for _, c := range cs {
				p.Steps = append(p.Steps, fmt.Sprintf("docker@%s: %s %s%s", c.Host, a.Kind, c.Name, sim))
			}
		}
		p.Destructive = a.Kind != backend.ActKindStart
	case backend.ActKindRestore:
		p.Options = x.dumps(a.Target)
		dump := a.Params["dump"]
		if dump == "" {
			dump = p.Options[0].Value
		}
		p.Steps = []string{"db-1: pg_restore --clean --if-exists -d " + a.Target + " " + dump + sim,
			"check: select count(*) from users" + sim}
	case backend.ActKindSilence:
		p.Destructive = false
		p.Steps = []string{fmt.Sprintf("alertmanager: silence %s for %s%s", a.Target, a.Params["duration"], sim)}
	case backend.ActKindExpire:
		p.Destructive = false
		p.Steps = []string{"alertmanager: expire silence " + a.Target + sim}
	default:
		return p, fmt.Errorf("the simulator cannot %s", a.Kind)
	}
	return p, nil
}

// Execute streams the plan's steps as progress, honouring cancellation.
func (x *Actions) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	step := x.Step
	if step <= 0 {
		step = 300 * time.Millisecond
	}
	say := func(s string) { out(backend.OutputLine{At: x.Fleet.now(), Stream: "info", Text: s}) }
	for _, s := range p.Steps {
		say(s)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(step):
		}
		say("  ok")
	}
	a := p.Action
	switch a.Kind {
	case backend.ActKindSilence:
		d, _ := time.ParseDuration(a.Params["duration"])
		now := x.Fleet.now()
		x.mu.Lock()
		x.silences = append(x.silences, backend.Silence{ID: fmt.Sprintf("sim-%d", len(x.silences)+1),
			Matchers: "alertname=" + a.Target, CreatedBy: a.Actor.User, Comment: a.Params["comment"],
			StartsAt: now, EndsAt: now.Add(d), State: "active"})
		x.mu.Unlock()
	case backend.ActKindExpire:
		x.mu.Lock()
		for i := range x.silences {
			if x.silences[i].ID == a.Target {
				x.silences[i].State, x.silences[i].EndsAt = "expired", x.Fleet.now()
			}
		}
		x.mu.Unlock()
	}
	return nil
}

// Silences lists the silences made in this demo (backend.SilenceLister).
func (x *Actions) Silences(context.Context) ([]backend.Silence, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]backend.Silence(nil), x.silences...), nil
}
