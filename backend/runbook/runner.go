package runbook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/ssh"
)

// Runner runs a remote command; *ssh.Client is the real one. Tests use a
// fake to check exactly which argv reaches the host.
type Runner interface {
	Run(ctx context.Context, h ssh.Host, cmd ssh.Command, out func(ssh.Line)) (ssh.Result, error)
}

var _ Runner = (*ssh.Client)(nil)

// stderrTail is how many last stderr lines a failure carries.
const stderrTail = 5

// hostLabel names a host in steps and errors: "tb-db (root@127.0.0.1:12222)".
func hostLabel(name string, h ssh.Host) string {
	who := h.Addr
	if h.User != "" {
		who = h.User + "@" + h.Addr
	}
	if name == "" || name == who {
		return who
	}
	return name + " (" + who + ")"
}

// lookupHost finds a configured host by name.
func lookupHost(hosts map[string]ssh.Host, name string) (ssh.Host, error) {
	h, ok := hosts[name]
	if !ok || h.Addr == "" {
		return ssh.Host{}, fmt.Errorf("host %q is not configured", name)
	}
	if h.Name == "" {
		h.Name = name
	}
	return h, nil
}

// tail keeps the last n lines it is given.
type tail struct {
	n     int
	lines []string
}

func (t *tail) add(s string) {
	t.lines = append(t.lines, s)
	if len(t.lines) > t.n {
		t.lines = t.lines[len(t.lines)-t.n:]
	}
}

func (t *tail) String() string { return strings.Join(t.lines, " | ") }

// runStreamed runs argv on h, passing every line to out as an OutputLine
// (out may be nil) and to keep (may be nil). A non-zero exit is an error
// naming the status and the last stderr lines; a cancel or timeout is the
// ssh error, which wraps the context's.
func runStreamed(ctx context.Context, r Runner, label string, h ssh.Host, argv []string, timeout time.Duration,
	out func(backend.OutputLine), keep func(ssh.Line)) (ssh.Result, error) {
	errs := tail{n: stderrTail}
	res, err := r.Run(ctx, h, ssh.Command{Argv: argv, Timeout: timeout}, func(l ssh.Line) {
		if l.Stream == "stderr" {
			errs.add(l.Text)
		}
		if keep != nil {
			keep(l)
		}
		if out != nil {
			at := l.At
			if at.IsZero() {
				at = time.Now()
			}
			out(backend.OutputLine{At: at, Stream: l.Stream, Text: l.Text})
		}
	})
	if err != nil {
		return res, err
	}
	if res.ExitCode != 0 {
		msg := fmt.Sprintf("%s: %s exited with status %d", label, ssh.Quote(argv[0]), res.ExitCode)
		if len(errs.lines) > 0 {
			msg += ": " + errs.String()
		}
		return res, &ExitError{Code: res.ExitCode, msg: msg}
	}
	return res, nil
}

// ExitError is a remote command that ran and exited non-zero.
type ExitError struct {
	Code int
	msg  string
}

func (e *ExitError) Error() string { return e.msg }

// info is one line of opsdeck's own progress.
func info(out func(backend.OutputLine), format string, args ...any) {
	if out != nil {
		out(backend.OutputLine{At: time.Now(), Stream: "info", Text: fmt.Sprintf(format, args...)})
	}
}

// sameSteps reports whether a fresh plan still says what was confirmed.
func sameSteps(confirmed, now []string) error {
	if len(confirmed) != len(now) {
		return fmt.Errorf("the plan changed since it was confirmed (%d steps, now %d): plan again", len(confirmed), len(now))
	}
	for i := range now {
		if confirmed[i] != now[i] {
			return fmt.Errorf("the plan changed since it was confirmed: step %d was %q, now %q: plan again", i+1, confirmed[i], now[i])
		}
	}
	return nil
}
