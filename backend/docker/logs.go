package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"
)

// LogOptions select the lines Logs streams.
type LogOptions struct {
	Tail       int       // only the last Tail lines of the past; ≤ 0 means all (Docker's default)
	Follow     bool      // keep streaming new lines until ctx ends or the container stops
	Timestamps bool      // ask Docker for each line's time (LogLine.At); otherwise At is zero
	Since      time.Time // only lines from this time on; zero means from the start
}

// LogLine is one line of a container's output, without its newline.
type LogLine struct {
	Stream string // "stdout" or "stderr"
	Text   string
	At     time.Time
}

// maxLine bounds one line: a process writing megabytes without a newline
// must not grow the buffer without limit. Longer lines are split.
const maxLine = 64 << 10

// Logs streams the container's output to out, line by line in the order
// Docker delivers it, on the caller's goroutine. Without a TTY Docker
// multiplexes stdout and stderr into one stream (8-byte frame headers),
// which stdcopy splits; with a TTY there is only the raw terminal stream,
// reported as stdout. Logs returns when the stream ends, or with ctx.Err()
// when ctx is cancelled (the way to stop Follow).
func (e *Engine) Logs(ctx context.Context, id string, opts LogOptions, out func(LogLine)) error {
	// The TTY flag decides the framing; reading a TTY stream through stdcopy
	// would fail or garble.
	in, err := e.cli.ContainerInspect(ctx, id)
	if err != nil {
		return e.wrap("logs", id, err)
	}
	tty := in.Config != nil && in.Config.Tty
	lo := container.LogsOptions{
		ShowStdout: true,
		ShowStderr: true,
		Follow:     opts.Follow,
		Timestamps: opts.Timestamps,
		Tail:       "all",
	}
	if opts.Tail > 0 {
		lo.Tail = strconv.Itoa(opts.Tail)
	}
	if !opts.Since.IsZero() {
		lo.Since = fmt.Sprintf("%d.%09d", opts.Since.Unix(), opts.Since.Nanosecond())
	}
	rc, err := e.cli.ContainerLogs(ctx, id, lo)
	if err != nil {
		return e.wrap("logs", id, err)
	}
	defer rc.Close()
	err = copyLines(rc, tty, opts.Timestamps, out)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return e.wrap("logs", id, err)
}

// copyLines splits a logs stream into lines: demultiplexed with stdcopy,
// or raw for a TTY. A last line without a newline is delivered when the
// stream ends cleanly.
func copyLines(r io.Reader, tty, stamped bool, out func(LogLine)) error {
	stdout := &lineWriter{stream: "stdout", stamped: stamped, out: out}
	stderr := &lineWriter{stream: "stderr", stamped: stamped, out: out}
	var err error
	if tty {
		_, err = io.Copy(stdout, r)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, r)
	}
	if err == nil {
		stdout.flush()
		stderr.flush()
	}
	return err
}

// lineWriter cuts one stream into lines and hands each to out.
type lineWriter struct {
	stream  string
	stamped bool // lines start with an RFC 3339 time and a space
	out     func(LogLine)
	buf     []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		switch {
		case i >= 0 && i <= maxLine:
			w.emit(w.buf[:i])
			w.buf = w.buf[i+1:]
			continue
		case len(w.buf) >= maxLine: // no newline within maxLine
			w.emit(w.buf[:maxLine])
			w.buf = w.buf[maxLine:]
			continue
		}
		break
	}
	// Keep the partial line in a buffer of its own, so the one that held
	// the consumed lines can be collected.
	w.buf = append([]byte(nil), w.buf...)
	return len(p), nil
}

// flush emits a last line that had no newline.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = nil
	}
}

func (w *lineWriter) emit(b []byte) {
	b = bytes.TrimSuffix(b, []byte("\r")) // TTY output ends lines with \r\n
	l := LogLine{Stream: w.stream}
	if w.stamped {
		if ts, rest, ok := bytes.Cut(b, []byte(" ")); ok {
			if t, err := time.Parse(time.RFC3339Nano, string(ts)); err == nil {
				l.At, b = t, rest
			}
		} else if t, err := time.Parse(time.RFC3339Nano, string(b)); err == nil {
			l.At, b = t, nil // an empty line: just the time
		}
	}
	l.Text = string(b)
	w.out(l)
}
