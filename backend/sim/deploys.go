package sim

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/ssh"
)

// Shell stands in for SSH on the demo: it "runs" a configured command on
// the simulated host, printing it marked simulated after a short pause,
// and exits 0. The runbook executor around it plans, quotes and audits
// exactly as it does over SSH.
type Shell struct {
	Fleet *Fleet
	Step  time.Duration // the pause (0: 300ms)
}

// Run prints what would run and succeeds, unless ctx ends first.
func (sh Shell) Run(ctx context.Context, h ssh.Host, cmd ssh.Command, out func(ssh.Line)) (ssh.Result, error) {
	step := sh.Step
	if step <= 0 {
		step = 300 * time.Millisecond
	}
	start := sh.Fleet.now()
	select {
	case <-ctx.Done():
		return ssh.Result{ExitCode: -1}, ctx.Err()
	case <-time.After(step):
	}
	where := "the demo fleet"
	if h.Name != "" {
		where = h.Name
	}
	out(ssh.Line{Stream: "stdout", At: sh.Fleet.now(), Text: "(simulated on " + where + ") " + ssh.QuoteArgv(cmd.Argv)})
	return ssh.Result{ExitCode: 0, Duration: sh.Fleet.now().Sub(start)}, nil
}

// Deploys runs the blue/green commands of the demo: the configured
// commands through Commands (a runbook executor on a Shell), and once one
// succeeded, what it stands for happens to the simulated fleet: a shift,
// promote or rollback moves the requests between the colours, a
// decommission stops the old colour, a migration changes nothing seen. Other command actions run unchanged.
type Deploys struct {
	Commands backend.ActionExecutor
	Fleet    *Fleet
}

var _ backend.ActionExecutor = Deploys{}

// Plan is the command's own plan.
func (d Deploys) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	return d.Commands.Plan(ctx, a)
}

// Execute runs the command, then applies its deployment step.
func (d Deploys) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	if err := d.Commands.Execute(ctx, p, out); err != nil {
		return err
	}
	a := p.Action
	if a.Kind != backend.ActKindCommand || a.Params["step"] == "" {
		return nil
	}
	return d.Fleet.deployStep(a.Params["service"], a.Params["step"], a.Params["colour"], a.Params["weight"], d.Fleet.now())
}

// deployStep does to blue/green service name what a deployment step
// does: colour gets weight percent of the requests (shift; promote and
// rollback give it all), or colour is stopped (decommission).
func (f *Fleet) deployStep(name, step, colour, weight string, at time.Time) error {
	s, ok := f.service(name)
	if !ok || !s.blueGreen {
		return fmt.Errorf("%s: no blue/green service of that name in the demo", name)
	}
	if colour != "blue" && colour != "green" {
		return fmt.Errorf("%s %s: colour %q is neither blue nor green", step, name, colour)
	}
	k, _ := s.epoch(0, at.Unix())
	share := 1.0
	switch step {
	case deploy.StepShift:
		w, err := strconv.ParseFloat(weight, 64)
		if err != nil || w < 0 || w > 100 {
			return fmt.Errorf("shift %s: weight %q is not a percentage", name, weight)
		}
		share = w / 100
	case deploy.StepPromote, deploy.StepRollback:
	case deploy.StepMigrate:
		return nil // the simulated schema needs nothing: the traffic stays
	case deploy.StepDecommission:
		f.changeOps(name, func(o *ops) {
			if o.traffic.deploy != k {
				o.traffic = traffic{deploy: k}
			}
			o.traffic.retired = colour
		})
		return nil
	default:
		return fmt.Errorf("%s: unknown deployment step %q", name, step)
	}
	green := share
	if colour == "blue" {
		green = 1 - share
	}
	f.changeOps(name, func(o *ops) { o.traffic = traffic{deploy: k, set: true, green: green} })
	return nil
}
