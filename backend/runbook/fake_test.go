package runbook

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// reply is what the fake host answers to one command.
type reply struct {
	stdout, stderr []string
	code           int
	err            error
	block          bool // wait for ctx, then return its error
}

// fakeRunner records every command and answers from a script.
type fakeRunner struct {
	mu     sync.Mutex
	calls  []ssh.Command
	hosts  []ssh.Host
	answer func(argv []string) reply
}

func (f *fakeRunner) Run(ctx context.Context, h ssh.Host, cmd ssh.Command, out func(ssh.Line)) (ssh.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, cmd)
	f.hosts = append(f.hosts, h)
	f.mu.Unlock()
	r := reply{}
	if f.answer != nil {
		r = f.answer(cmd.Argv)
	}
	if r.block {
		<-ctx.Done()
		return ssh.Result{ExitCode: -1}, ctx.Err()
	}
	for _, s := range r.stdout {
		out(ssh.Line{Stream: "stdout", Text: s, At: time.Now()})
	}
	for _, s := range r.stderr {
		out(ssh.Line{Stream: "stderr", Text: s, At: time.Now()})
	}
	return ssh.Result{ExitCode: r.code}, r.err
}

func (f *fakeRunner) argvs() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]string
	for _, c := range f.calls {
		out = append(out, c.Argv)
	}
	return out
}

// localShell runs the command the way the remote wrapper receives it: the
// quoted argv parsed by a real POSIX sh on this machine. It proves what
// quoting does without the test bed.
type localShell struct{}

func (localShell) Run(ctx context.Context, _ ssh.Host, cmd ssh.Command, out func(ssh.Line)) (ssh.Result, error) {
	c := exec.CommandContext(ctx, "sh", "-c", ssh.QuoteArgv(cmd.Argv))
	var so, se bytes.Buffer
	c.Stdout, c.Stderr = &so, &se
	err := c.Run()
	emit := func(stream string, b *bytes.Buffer) {
		s := b.String()
		if s == "" {
			return
		}
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			out(ssh.Line{Stream: stream, Text: l, At: time.Now()})
		}
	}
	emit("stdout", &so)
	emit("stderr", &se)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return ssh.Result{ExitCode: 0}, nil
	case errors.As(err, &ee) && ctx.Err() == nil:
		return ssh.Result{ExitCode: ee.ExitCode()}, nil
	case ctx.Err() != nil:
		return ssh.Result{ExitCode: -1}, ctx.Err()
	}
	return ssh.Result{ExitCode: -1}, err
}

// collect gathers an action's output lines.
type collect struct {
	mu    sync.Mutex
	lines []backend.OutputLine
}

func (c *collect) out(l backend.OutputLine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, l)
}

func (c *collect) text(stream string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, l := range c.lines {
		if l.Stream == stream {
			out = append(out, l.Text)
		}
	}
	return out
}

var testHosts = map[string]ssh.Host{
	"tb-app": {Addr: "127.0.0.1:2222", User: "deploy"},
	"tb-db":  {Addr: "127.0.0.1:2223", User: "postgres"},
}

func operator() backend.Actor { return backend.Actor{User: "alice", Role: backend.RoleOperator} }

func mustEqual(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
		t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
}
