package runbook

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// RestoreExecutor restores databases from dump files on their hosts (kind
// "restore", Action.Target = database, Params["dump"] = a listed dump's
// path, default the newest), then runs the integrity checks.
type RestoreExecutor struct {
	Runner    Runner              // *ssh.Client
	Hosts     map[string]ssh.Host // by name, as DatabaseSpec.Host refers to them
	Databases []DatabaseSpec
}

// Validate checks the configuration; cmd/opsdeck calls it at startup.
func (e *RestoreExecutor) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for _, d := range e.Databases {
		if seen[d.Name] {
			errs = append(errs, fmt.Errorf("database %q: defined twice", d.Name))
		}
		seen[d.Name] = true
		if err := d.check(e.Hosts); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// database finds and checks the spec of db and its host.
func (e *RestoreExecutor) database(db string) (DatabaseSpec, ssh.Host, error) {
	for _, d := range e.Databases {
		if d.Name == db {
			if err := d.check(e.Hosts); err != nil {
				return d, ssh.Host{}, err
			}
			h, _ := lookupHost(e.Hosts, d.Host)
			return d, h, nil
		}
	}
	return DatabaseSpec{}, ssh.Host{}, fmt.Errorf("database %q is not configured for restore", db)
}

// restorePlan is a plan and what Execute needs to run it.
type restorePlan struct {
	plan    backend.Plan
	spec    DatabaseSpec
	host    ssh.Host
	label   string
	dump    Dump
	restore []string
	checks  [][]string // psql argv per IntegrityCheck
}

func (e *RestoreExecutor) resolve(ctx context.Context, a backend.Action) (restorePlan, error) {
	if a.Kind != backend.ActKindRestore {
		return restorePlan{}, fmt.Errorf("%s: not a restore action", a.Kind)
	}
	spec, h, err := e.database(a.Target)
	if err != nil {
		return restorePlan{}, fmt.Errorf("restore %s: %w", a.Target, err)
	}
	want, chosen := a.Params[PhDump]
	if chosen {
		// Checked before anything runs: the listing is then only asked
		// about a well-formed path.
		if err := CheckDumpPath(want); err != nil {
			return restorePlan{}, fmt.Errorf("restore %s: %w", spec.Name, err)
		}
	}
	listCtx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	dumps, refused, err := e.list(listCtx, spec, h)
	if err != nil {
		return restorePlan{}, fmt.Errorf("restore %s: %w", spec.Name, err)
	}
	if len(dumps) == 0 {
		return restorePlan{}, fmt.Errorf("restore %s: %w", spec.Name, noDumps(spec.dumpDir(), spec.pattern(), refused))
	}
	dump := dumps[0]
	if chosen {
		found := false
		for _, d := range dumps {
			if d.Path == want {
				dump, found = d, true
				break
			}
		}
		if !found {
			return restorePlan{}, fmt.Errorf("restore %s: %q is not one of the %d dumps in %s", spec.Name, want, len(dumps), spec.dumpDir())
		}
	}

	vals := map[string]string{PhDatabase: spec.Name, PhDump: dump.Path}
	restore, err := fill(spec.restoreArgv(), vals)
	if err != nil {
		return restorePlan{}, fmt.Errorf("restore %s: %w", spec.Name, err)
	}
	restore = spec.withEnv(restore)
	label := hostLabel(spec.Host, h)
	r := restorePlan{spec: spec, host: h, label: label, dump: dump, restore: restore}
	steps := []string{
		fmt.Sprintf("%s: restore database %s from %s (%s, %s)", label, spec.Name, dump.Path,
			dump.ModTime.UTC().Format("2006-01-02 15:04:05 UTC"), sizeString(dump.Size)),
		"run: " + spec.shown(restore),
	}
	for _, c := range spec.Integrity {
		vals[phSQL] = c.SQL
		argv, err := fill(spec.psqlArgv(), vals)
		if err != nil {
			return restorePlan{}, fmt.Errorf("restore %s: check %s: %w", spec.Name, c.Name, err)
		}
		argv = spec.withEnv(argv)
		r.checks = append(r.checks, argv)
		expect := "at least one row"
		if c.Expect != "" {
			expect = fmt.Sprintf("expect %q", c.Expect)
		}
		steps = append(steps, fmt.Sprintf("check %s (%s): %s", c.Name, expect, spec.shown(argv)))
	}
	r.plan = backend.Plan{
		Action:      a,
		Steps:       steps,
		Destructive: true,
		Confirm:     spec.Name,
		Timeout:     spec.timeout() + time.Duration(len(spec.Integrity))*checkTimeout + listTimeout + planSlack,
		Options:     dumpOptions(dumps),
	}
	return r, nil
}

// maxDumpOptions bounds the dumps offered in the confirmation; older ones
// can still be named with Params["dump"].
const maxDumpOptions = 12

// dumpOptions offers the newest dumps, with date and size, to pick from.
func dumpOptions(dumps []Dump) []backend.ParamOption {
	out := make([]backend.ParamOption, 0, min(len(dumps), maxDumpOptions))
	for _, d := range dumps[:min(len(dumps), maxDumpOptions)] {
		out = append(out, backend.ParamOption{Param: "dump", Value: d.Path,
			Label: fmt.Sprintf("%s · %s · %s", d.ModTime.UTC().Format("2006-01-02 15:04 UTC"), sizeString(d.Size), path.Base(d.Path))})
	}
	return out
}

// sizeString is a size for people, with the exact byte count so a changed
// dump changes the plan.
func sizeString(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB, %d bytes", float64(n)/float64(div), "KMGTPE"[exp], n)
}

// Plan lists the dumps and resolves the one to restore: Params["dump"]
// must be exactly the path of a listed dump; without it, the newest.
func (e *RestoreExecutor) Plan(ctx context.Context, a backend.Action) (backend.Plan, error) {
	r, err := e.resolve(ctx, a)
	return r.plan, err
}

// Execute restores the confirmed dump, streaming the output, then runs
// each integrity check and reports it; any failed check fails the action.
func (e *RestoreExecutor) Execute(ctx context.Context, p backend.Plan, out func(backend.OutputLine)) error {
	a := p.Action
	if out == nil {
		out = func(backend.OutputLine) {}
	}
	r, err := e.resolve(ctx, a)
	if err != nil {
		return err
	}
	if err := sameSteps(p.Steps, r.plan.Steps); err != nil {
		return fmt.Errorf("restore %s: %w", a.Target, err)
	}
	info(out, "%s: restoring %s from %s", r.label, r.spec.Name, r.dump.Path)
	res, err := runStreamed(ctx, e.Runner, r.label, r.host, r.restore, r.spec.timeout(), out, nil)
	if err != nil {
		return fmt.Errorf("restore %s: %w", r.spec.Name, err)
	}
	info(out, "restore of %s finished after %s; %d integrity checks", r.spec.Name, res.Duration.Round(time.Millisecond), len(r.checks))
	var failed []string
	for i, c := range r.spec.Integrity {
		err := e.check(ctx, r, c, r.checks[i], out)
		if ctx.Err() != nil {
			return fmt.Errorf("restore %s: check %s: %w", r.spec.Name, c.Name, err)
		}
		if err != nil {
			failed = append(failed, c.Name)
			info(out, "check %s: FAIL: %v", c.Name, err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("restore %s: the dump was restored but integrity checks failed: %s", r.spec.Name, strings.Join(failed, ", "))
	}
	return nil
}

// maxCheckRows bounds what a check's output keeps.
const maxCheckRows = 1000

// check runs one integrity query and judges its rows.
func (e *RestoreExecutor) check(ctx context.Context, r restorePlan, c IntegrityCheck, argv []string, out func(backend.OutputLine)) error {
	var rows []string
	// stdout is not streamed (rows may be data); stderr is.
	errOut := func(l backend.OutputLine) {
		if l.Stream == "stderr" {
			out(l)
		}
	}
	_, err := runStreamed(ctx, e.Runner, r.label, r.host, argv, checkTimeout, errOut, func(l ssh.Line) {
		if l.Stream == "stdout" && len(rows) < maxCheckRows {
			rows = append(rows, l.Text)
		}
	})
	if err != nil {
		return err
	}
	if err := judge(c, rows); err != nil {
		return err
	}
	got := "no value"
	if len(rows) > 0 {
		got = fmt.Sprintf("%.80q", rows[0])
	}
	info(out, "check %s: pass (%d rows, first %s)", c.Name, len(rows), got)
	return nil
}

// judge applies the check's expectation to the rows psql printed.
func judge(c IntegrityCheck, rows []string) error {
	if c.Expect == "" {
		if len(rows) == 0 {
			return errors.New("no rows")
		}
		return nil
	}
	if len(rows) != 1 {
		return fmt.Errorf("want the single value %q, got %d rows", c.Expect, len(rows))
	}
	if rows[0] != c.Expect {
		return fmt.Errorf("got %.80q, want %q", rows[0], c.Expect)
	}
	return nil
}

var _ backend.ActionExecutor = (*RestoreExecutor)(nil)
