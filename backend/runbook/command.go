package runbook

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// CommandSpec is a configured remote command: a runbook step, a rollback
// script, a blue/green traffic switch. Argv words may hold placeholders
// ({service}, {version}, {project}, {database}, {colour}, {dump}, {weight}) filled
// from the action, e.g. ["./scripts/rollback.sh", "{project}", "{version}"].
type CommandSpec struct {
	Name        string // what Action.Target names for kind "command"
	Host        string // key of CommandExecutor.Hosts
	Argv        []string
	Timeout     time.Duration // 0: DefaultCommandTimeout
	Destructive bool          // confirmed by typing the service (or command) name
}

// DefaultCommandTimeout bounds a command whose spec names no timeout.
const DefaultCommandTimeout = 5 * time.Minute

// planSlack lets the command's own timeout (which ends the remote process
// and says so) fire before the action runner's.
const planSlack = 15 * time.Second

// commandPlaceholders are the names a CommandSpec may use.
var commandPlaceholders = []string{PhService, PhVersion, PhProject, PhDatabase, PhColour, PhDump, PhWeight}

// CommandExecutor runs configured commands over SSH: kind "command" (the
// spec named by Action.Target) and kind "rollback" of a service that has a
// rollback command (Rollbacks); a rollback of any other service goes to
// Fallback (the Docker executor) when set.
type CommandExecutor struct {
	Runner    Runner              // *ssh.Client
	Hosts     map[string]ssh.Host // by name, as CommandSpec.Host refers to them
	Specs     []CommandSpec
	Rollbacks map[string]string // service → name of its rollback CommandSpec
	Fallback  backend.ActionExecutor
	// Versions lists the versions a rollback of a service can go to,
	// newest first (param "version"; the Docker executor's history),
	// offered in the confirmation with the first as the default; nil or
	// empty: {version} must be given.
	Versions func(service string) []backend.ParamOption
	// Projects names each service's project, for a rollback command's
	// {project} (the seed's "rollback.sh chat v1.5.2"): the key asks
	// for the service alone.
	Projects map[string]string
}

// Validate checks the configuration: every spec has a unique plain name,
// a known host, an argv and known placeholders; every rollback names a
// spec. cmd/opsdeck calls it at startup.
func (c *CommandExecutor) Validate() error {
	seen := map[string]bool{}
	var errs []error
	for _, s := range c.Specs {
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("command %q: defined twice", s.Name))
		}
		seen[s.Name] = true
		if err := c.checkSpec(s); err != nil {
			errs = append(errs, err)
		}
	}
	for svc, name := range c.Rollbacks {
		if !backend.ValidIdent(svc) {
			errs = append(errs, fmt.Errorf("rollback of %q: not a plain service name", svc))
		}
		if !seen[name] {
			errs = append(errs, fmt.Errorf("rollback of %s: no command %q", svc, name))
		}
	}
	return errors.Join(errs...)
}

func (c *CommandExecutor) checkSpec(s CommandSpec) error {
	if !backend.ValidIdent(s.Name) {
		return fmt.Errorf("command %q: not a plain name", s.Name)
	}
	if len(s.Argv) == 0 || s.Argv[0] == "" {
		return fmt.Errorf("command %s: empty argv", s.Name)
	}
	if _, err := lookupHost(c.Hosts, s.Host); err != nil {
		return fmt.Errorf("command %s: %w", s.Name, err)
	}
	if err := checkPlaceholders(s.Argv, commandPlaceholders...); err != nil {
		return fmt.Errorf("command %s: %w", s.Name, err)
	}
	return nil
}

// spec finds the command for a; ok is false for a rollback of a service
// without one.
func (c *CommandExecutor) spec(a backend.Action) (CommandSpec, bool, error) {
	name := a.Target
	switch a.Kind {
	case backend.ActKindCommand:
	case backend.ActKindRollback:
		n, ok := c.Rollbacks[a.Target]
		if !ok {
			return CommandSpec{}, false, nil
		}
		name = n
	default:
		return CommandSpec{}, false, fmt.Errorf("%s: not a command action", a.Kind)
	}
	for _, s := range c.Specs {
		if s.Name == name {
			return s, true, nil
		}
	}
	return CommandSpec{}, false, fmt.Errorf("%s %s: no command %q is configured", a.Kind, a.Target, name)
}

// values are what the placeholders are filled with: the parameters, and
// for a rollback the target service.
func values(a backend.Action) map[string]string {
	v := make(map[string]string, len(a.Params)+1)
	for k, x := range a.Params {
		v[k] = x
	}
	if a.Kind == backend.ActKindRollback {
		if s, ok := v[PhService]; ok && s != a.Target {
			v[PhService] = "" // contradictory: refused by fill as missing
		} else {
			v[PhService] = a.Target
		}
	}
	return v
}

// resolved is a plan together with what Execute needs to run it.
type resolved struct {
	plan  backend.Plan
	host  ssh.Host
	label string
	argv  []string
	spec  CommandSpec
}

func (c *CommandExecutor) resolve(a backend.Action) (resolved, error) {
	s, ok, err := c.spec(a)
	if err != nil {
		return resolved{}, err
	}
	if !ok {
		return resolved{}, fmt.Errorf("rollback %s: no rollback command configured", a.Target)
	}
	if err := c.checkSpec(s); err != nil {
		return resolved{}, err
	}
	h, _ := lookupHost(c.Hosts, s.Host)
	var options []backend.ParamOption
	if a.Kind == backend.ActKindRollback && c.Versions != nil && usesPlaceholder(s.Argv, PhVersion) {
		options = c.Versions(a.Target)
		if len(options) > 0 && a.Params[PhVersion] == "" {
			a.Params = maps.Clone(a.Params)
			if a.Params == nil {
				a.Params = map[string]string{}
			}
			a.Params[PhVersion] = options[0].Value // the one before, unless another is chosen
		}
	}
	vals := values(a)
	if p := c.Projects[a.Target]; a.Kind == backend.ActKindRollback && vals[PhProject] == "" && p != "" {
		vals[PhProject] = p
	}
	argv, err := fill(s.Argv, vals)
	if err != nil {
		return resolved{}, fmt.Errorf("%s %s: command %s %w", a.Kind, a.Target, s.Name, err)
	}
	timeout := s.timeout()
	label := hostLabel(s.Host, h)
	p := backend.Plan{
		Action:  a,
		Steps:   []string{fmt.Sprintf("%s: %s (timeout %s)", label, ssh.QuoteArgv(argv), timeout)},
		Timeout: timeout + planSlack,
		Options: options,
	}
	if s.Destructive {
		p.Destructive = true
		p.Confirm = s.Name
		if svc := vals[PhService]; svc != "" {
			p.Confirm = svc
		}
	}
	return resolved{plan: p, host: h, label: label, argv: argv, spec: s}, nil
}

// Plan resolves the command and fills its placeholders; a value that is
// not a plain identifier refuses the action here, before any confirmation.
func (c *CommandExecutor) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	if c.fallback(a) {
		return c.Fallback.Plan(ctx, a)
	}
	r, err := c.resolve(a)
	return r.plan, err
}

func (c *CommandExecutor) fallback(a backend.Action) bool {
	if a.Kind != backend.ActKindRollback || c.Fallback == nil {
		return false
	}
	_, has := c.Rollbacks[a.Target]
	return !has
}

// Execute runs the confirmed command, streaming its output. A non-zero
// exit fails with the status and the last stderr lines; cancellation ends
// the remote process (backend/ssh) and returns the ctx's error wrapped.
func (c *CommandExecutor) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	a := p.Action
	if out == nil {
		out = func(backend.OutputLine) {}
	}
	if c.fallback(a) {
		return c.Fallback.Execute(ctx, p, out)
	}
	r, err := c.resolve(a)
	if err != nil {
		return err
	}
	if err := sameSteps(p.Steps, r.plan.Steps); err != nil {
		return fmt.Errorf("%s %s: %w", a.Kind, a.Target, err)
	}
	if c.Runner == nil {
		return errors.New("runbook: no SSH runner configured")
	}
	info(out, "%s: %s", r.label, ssh.QuoteArgv(r.argv))
	res, err := runStreamed(ctx, c.Runner, r.label, r.host, r.argv, r.spec.timeout(), out, nil)
	if err != nil {
		return fmt.Errorf("%s %s: %w", a.Kind, a.Target, err)
	}
	info(out, "%s: exit 0 after %s", r.spec.Name, res.Duration.Round(time.Millisecond))
	return nil
}

// usesPlaceholder reports whether a word of argv holds {name}.
func usesPlaceholder(argv []string, name string) bool {
	for _, w := range argv {
		if strings.Contains(w, "{"+name+"}") {
			return true
		}
	}
	return false
}

// timeout is the spec's timeout with the default applied.
func (s CommandSpec) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultCommandTimeout
	}
	return s.Timeout
}

var _ backend.ActionExecutor = (*CommandExecutor)(nil)
