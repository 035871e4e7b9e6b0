package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	xssh "golang.org/x/crypto/ssh"
)

// Command is a remote command. Argv is quoted word by word with Quote:
// there is deliberately no way to pass a shell string, so values from
// runbooks and operators cannot inject shell syntax. Use
// Argv{"sh", "-c", script} when a pipeline is really wanted.
type Command struct {
	Argv    []string
	Timeout time.Duration // 0: only ctx bounds the command
}

// Line is one line of output, without its newline. Lines longer than
// 64 KiB arrive as several Lines.
type Line struct {
	Stream string // "stdout" or "stderr"
	Text   string
	At     time.Time // when the line was read
}

// Result is the outcome of a command that ran.
type Result struct {
	ExitCode int // -1 when unknown (not started, connection lost)
	Duration time.Duration
}

// ErrTimeout is matched (errors.Is) by the error of a Run that exceeded
// Command.Timeout; it also matches context.DeadlineExceeded.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string        { return "command timed out" }
func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }
func (timeoutError) Timeout() bool        { return true }

const (
	// killGrace is how long a command has to exit after SIGTERM before the
	// session is closed (which makes the remote watchdog kill its group).
	killGrace = 2 * time.Second
	// drainWait bounds waiting for buffered output after a forced close,
	// when the server may never confirm the close.
	drainWait = time.Second
	maxLine   = 64 << 10
	maxJumps  = 8
)

// Run runs cmd on h and streams its output to out (which may be nil).
// out is called from one goroutine at a time, in order per stream, and
// never after Run returns; a slow out slows the command down (SSH flow
// control) rather than buffering without bound. A non-zero exit status is
// not an error: it is in Result.ExitCode. On Command.Timeout or ctx
// cancellation the command's process group gets SIGTERM, and if it has
// not exited 2 s later the session is closed, upon which the remote
// watchdog kills the group (see remote.go); Run returns then, and the
// error matches ErrTimeout or the ctx's error.
func (c *Client) Run(ctx context.Context, h Host, cmd Command, out func(Line)) (Result, error) {
	start := time.Now()
	res := Result{ExitCode: -1}
	h, err := normalizeChain(h)
	if err != nil {
		return res, err
	}
	if err := validate(cmd); err != nil {
		return res, fmt.Errorf("ssh %s: %w", h.label(), err)
	}
	runCtx := ctx
	if cmd.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeoutCause(ctx, cmd.Timeout, ErrTimeout)
		defer cancel()
	}

	sess, cn, err := c.session(runCtx, h)
	if err != nil {
		res.Duration = time.Since(start)
		if runCtx.Err() != nil && !errors.Is(err, stopReason(runCtx)) {
			return res, fmt.Errorf("%w (%w before the command started)", err, stopReason(runCtx))
		}
		return res, err
	}
	defer sess.Close()

	stdin, err1 := sess.StdinPipe()
	stdout, err2 := sess.StdoutPipe()
	stderr, err3 := sess.StderrPipe()
	if err := errors.Join(err1, err2, err3); err != nil {
		return res, fmt.Errorf("ssh %s: %w", h.label(), err)
	}
	// stdin stays open for the life of the command: it carries the
	// "TERM" line, and its EOF tells the remote watchdog to kill the group.
	defer stdin.Close()

	d := startDelivery(out, stdout, stderr)
	if err := sess.Start(remoteCommand(cmd.Argv)); err != nil {
		sess.Close()
		d.finish(drainWait)
		res.Duration = time.Since(start)
		return res, fmt.Errorf("ssh %s: start command: %w", h.label(), err)
	}

	waitc := make(chan error, 1)
	go func() { waitc <- sess.Wait() }()

	var werr error
	exited, stopped := true, false
	select {
	case werr = <-waitc:
		d.finish(0) // the channel is closed: all output is buffered locally
	case <-runCtx.Done():
		stopped = true
		werr, exited = stop(sess, stdin, waitc, cn)
		d.finish(drainWait)
	}
	res.Duration = time.Since(start)

	code, exitErr := exitCode(werr, exited, cn)
	res.ExitCode = code
	if stopped { // not when the command finished just as ctx expired
		return res, stopError(runCtx, h, cmd, code, exited)
	}
	if exitErr != nil {
		return res, fmt.Errorf("ssh %s: %w", h.label(), exitErr)
	}
	return res, nil
}

// stop ends a running command: SIGTERM, both as an SSH "signal" request
// and as a "TERM" line to the remote watchdog (sshd ignores the request
// for root logins), up to killGrace for it to exit, then EOF on stdin and
// close, which the watchdog answers with TERM and, 2 s later, KILL.
func stop(sess *xssh.Session, stdin io.WriteCloser, waitc <-chan error, cn *conn) (error, bool) {
	_ = sess.Signal(xssh.SIGTERM)
	// In a goroutine: on a stalled connection even a tiny write may block.
	wrote := make(chan struct{})
	go func() {
		_, _ = io.WriteString(stdin, termLine)
		close(wrote)
	}()
	t := time.NewTimer(killGrace)
	defer t.Stop()
	var werr error
	exited := false
	select {
	case werr = <-waitc:
		exited = true
	case <-t.C:
	case <-cn.done:
	}
	// x/crypto's channel does not allow CloseWrite during a Write: send
	// EOF only once the TERM line is out. A write still blocked means the
	// connection is stalled; closing the session ends the channel anyway.
	select {
	case <-wrote:
		_ = stdin.Close()
	default:
	}
	_ = sess.Close()
	return werr, exited
}

func exitCode(werr error, exited bool, cn *conn) (int, error) {
	if !exited {
		return -1, nil
	}
	var ee *xssh.ExitError
	var missing *xssh.ExitMissingError
	switch {
	case werr == nil:
		return 0, nil
	case errors.As(werr, &ee):
		return ee.ExitStatus(), nil
	case !cn.alive():
		// x/crypto reports a torn-down connection as a missing status.
		return -1, fmt.Errorf("%w while the command ran", cn.lost())
	case errors.As(werr, &missing):
		// A connection torn down by the network also ends its sessions
		// without a status, slightly before the client notices the
		// connection itself is gone: give it a moment to tell the two apart.
		select {
		case <-cn.done:
			return -1, fmt.Errorf("%w while the command ran", cn.lost())
		case <-time.After(time.Second):
			return -1, errors.New("the command ended without an exit status")
		}
	default:
		return -1, werr
	}
}

func stopReason(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return ctx.Err()
}

func stopError(ctx context.Context, h Host, cmd Command, code int, exited bool) error {
	what := "after SIGTERM the command exited with status " + fmt.Sprint(code)
	if !exited {
		what = fmt.Sprintf("no exit %s after SIGTERM: session closed, the remote process group is killed", killGrace)
	}
	why := stopReason(ctx)
	// Only the program name: arguments may carry secrets.
	prog := Quote(cmd.Argv[0])
	if errors.Is(why, ErrTimeout) {
		return fmt.Errorf("ssh %s: %s: %w after %s; %s", h.label(), prog, why, cmd.Timeout, what)
	}
	return fmt.Errorf("ssh %s: %s: command cancelled: %w; %s", h.label(), prog, why, what)
}

// session opens a session on the pooled connection to h. A connection
// that turns out dead (the server restarted, the network dropped it) is
// discarded and redialled once.
func (c *Client) session(ctx context.Context, h Host) (*xssh.Session, *conn, error) {
	for attempt := 0; ; attempt++ {
		cn, err := c.get(ctx, h)
		if err != nil {
			return nil, nil, err
		}
		s, err := newSession(ctx, cn)
		if err == nil {
			return s, cn, nil
		}
		var refused *xssh.OpenChannelError
		if ctx.Err() != nil || errors.As(err, &refused) || attempt == 1 {
			// Refused (e.g. MaxSessions): the connection is fine, keep it.
			return nil, nil, fmt.Errorf("ssh %s: open session: %w", h.label(), err)
		}
		c.logf("ssh %s: pooled connection unusable (%v), redialling", h.label(), err)
		c.discard(h, cn, fmt.Errorf("unusable: %w", err))
	}
}

// newSession bounds NewSession by ctx: on a half-dead connection the
// channel-open reply may never come.
func newSession(ctx context.Context, cn *conn) (*xssh.Session, error) {
	type result struct {
		s   *xssh.Session
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := cn.client.NewSession()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.s != nil {
				r.s.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

func validate(cmd Command) error {
	if len(cmd.Argv) == 0 || cmd.Argv[0] == "" {
		return errors.New("empty command")
	}
	for _, a := range cmd.Argv {
		if strings.IndexByte(a, 0) >= 0 {
			return errors.New("command argument contains a NUL byte")
		}
	}
	return nil
}

// normalizeChain normalizes h and its jump hosts into a fresh chain, so
// the caller's Host values are never modified, and bounds its length
// (a cycle of Jump pointers would otherwise recurse forever).
func normalizeChain(h Host) (Host, error) {
	top, err := normalize(h)
	if err != nil {
		return h, err
	}
	cur := &top
	for depth := 0; cur.Jump != nil; depth++ {
		if depth == maxJumps {
			return h, fmt.Errorf("ssh %s: more than %d jump hosts (a cycle?)", top.label(), maxJumps)
		}
		j, err := normalize(*cur.Jump)
		if err != nil {
			return h, fmt.Errorf("ssh %s: jump host: %w", top.label(), err)
		}
		cur.Jump = &j
		cur = &j
	}
	return top, nil
}
