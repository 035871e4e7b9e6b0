package sim

import (
	"context"
	"fmt"
	"strings"
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
	s, ok := x.Fleet.service(name)
	if !ok {
		return nil, false
	}
	return s.shown(x.Fleet.now(), x.Fleet.opsOf(name)), true
}

// targets are the services a lifecycle action acts on: its target, or
// the services of a database (Params["services"]).
func targets(a backend.Action) []string {
	if svcs, ok := a.Params["services"]; ok {
		return strings.Split(svcs, ",")
	}
	return []string{a.Target}
}

// stepTarget is the service of a lifecycle step
// "docker@<host>: <kind> <container> (simulated)": the longest target
// its container's name starts with.
func stepTarget(step string, targets []string) string {
	f := strings.Fields(step)
	if len(f) < 3 {
		return ""
	}
	best := ""
	for _, t := range targets {
		if strings.HasPrefix(f[2], t+"-") && len(t) > len(best) {
			best = t
		}
	}
	return best
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
		to := ""
		if a.Kind == backend.ActKindRollback {
			var err error
			if p.Options, to, err = x.rollbackTo(a); err != nil {
				return p, err
			}
			to = " to " + to
		}
		var all []backend.Container
		for _, t := range targets(a) {
			cs, ok := x.containers(t)
			if !ok {
				return p, fmt.Errorf("%s: no such service in the fleet", t)
			}
			all = append(all, cs...)
			for _, c := range cs {
				p.Steps = append(p.Steps, fmt.Sprintf("docker@%s: %s %s%s%s", c.Host, a.Kind, c.Name, to, sim))
			}
		}
		if err := nothingToDo(a, all); err != nil {
			return p, err
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
		// The plan Alertmanager's executor states: what is matched, for
		// how long, by whom and why.
		p.Destructive = false
		m := matchers(a)
		if len(m) == 0 {
			return p, fmt.Errorf("silence %s: no label matchers", a.Target)
		}
		d, err := time.ParseDuration(a.Params["duration"])
		if err != nil || d <= 0 {
			return p, fmt.Errorf("silence duration %q: want a duration such as 2h", a.Params["duration"])
		}
		if strings.TrimSpace(a.Params["comment"]) == "" {
			return p, fmt.Errorf("silence %s: a comment is required (why it is muted)", a.Target)
		}
		p.Steps = backend.SilenceSteps("alertmanager", m, d, x.Fleet.now(), a.Actor.User, a.Params["comment"])
		p.Steps[0] += sim
	case backend.ActKindExpire:
		p.Destructive = false
		s, ok := x.Fleet.findSilence(a.Target, x.Fleet.now())
		switch {
		case !ok:
			return p, fmt.Errorf("no silence %s in the demo", a.Target)
		case s.State == "expired":
			return p, fmt.Errorf("expired at %s already: nothing to expire", s.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		p.Steps = []string{"alertmanager: expire silence " + a.Target + " now" + sim, "it matches " + s.Matchers}
	default:
		return p, fmt.Errorf("the simulator cannot %s", a.Kind)
	}
	return p, nil
}

// Execute streams the plan's steps as progress, honouring cancellation,
// and does to the simulated fleet what the real action would: a stop
// leaves the containers exited, a start or restart runs them again (or
// fails as a crash-looping service does, with its reason), a restore
// takes its time.
func (x *Actions) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	step := x.Step
	if step <= 0 {
		step = 300 * time.Millisecond
	}
	line := func(stream, s string) { out(backend.OutputLine{At: x.Fleet.now(), Stream: stream, Text: s}) }
	say := func(s string) { line("info", s) }
	wait := func() error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(step):
			return nil
		}
	}
	a := p.Action
	switch a.Kind {
	case backend.ActKindRestart, backend.ActKindRollback, backend.ActKindStop, backend.ActKindStart:
		return x.lifecycle(p, say, line, wait)
	case backend.ActKindRestore:
		return x.restore(p, say, wait)
	}
	for _, s := range p.Steps {
		say(s)
		if err := wait(); err != nil {
			return err
		}
		say("  ok")
	}
	switch a.Kind {
	case backend.ActKindSilence:
		x.Fleet.silence(a, x.Fleet.now())
	case backend.ActKindExpire:
		x.Fleet.expire(a.Target, x.Fleet.now())
	}
	return nil
}

// lifecycle runs the steps of a restart, rollback, stop or start, one
// container at a time, each changing the simulated fleet as it is done;
// a container that crashes again ends the action there, as the Docker
// executor does when one fails.
func (x *Actions) lifecycle(p backend.Plan, say func(string), line func(stream, s string), wait func() error) error {
	ts := targets(p.Action)
	for i, s := range p.Steps {
		say(s)
		if err := wait(); err != nil {
			return err
		}
		if err := x.Fleet.simulate(p.Action, stepTarget(s, ts), x.Fleet.now()); err != nil {
			line("stderr", "  "+err.Error())
			if rest := len(p.Steps) - i - 1; rest > 0 {
				return fmt.Errorf("%w; %d more container(s) not touched", err, rest)
			}
			return err
		}
		say("  ok")
	}
	return nil
}

// restoreTables are the tables a simulated pg_restore reports, one
// progress line each.
var restoreTables = []string{"users", "sessions", "accounts", "credits", "projects", "messages", "attachments", "audit_events"}

// restore streams a pg_restore of a few seconds (a line per table) and
// its check; cancelling stops it between two tables.
func (x *Actions) restore(p backend.Plan, say func(string), wait func() error) error {
	for i, s := range p.Steps {
		say(s)
		if i == 0 {
			for _, t := range restoreTables {
				if err := wait(); err != nil {
					return err
				}
				say(fmt.Sprintf("  pg_restore: processing data for table \"public.%s\" (simulated)", t))
			}
		}
		if err := wait(); err != nil {
			return err
		}
		say("  ok")
	}
	return nil
}

// Silences lists the silences made in this demo (backend.SilenceLister),
// active first.
func (x *Actions) Silences(context.Context) ([]backend.Silence, error) {
	return x.Fleet.listSilences(x.Fleet.now()), nil
}

// nothingToDo refuses a start of what runs and a stop of what is stopped
// (every container), as the real executor does.
func nothingToDo(a backend.Action, cs []backend.Container) error {
	if len(cs) == 0 || (a.Kind != backend.ActKindStart && a.Kind != backend.ActKindStop) {
		return nil
	}
	for _, c := range cs {
		if (c.State == backend.StateRunning) != (a.Kind == backend.ActKindStart) {
			return nil
		}
	}
	what, runs, is := a.Target, "runs", "is"
	if svcs := a.Params["services"]; svcs != "" {
		what, runs, is = "the services of "+a.Target+" ("+svcs+")", "run", "are"
	}
	if a.Kind == backend.ActKindStart {
		return fmt.Errorf("%s %s already (every container): nothing to start", what, runs)
	}
	return fmt.Errorf("%s %s stopped already (every container): nothing to stop", what, is)
}
