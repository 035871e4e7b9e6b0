package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/creack/pty"
)

// session is opsdeck running under a pseudo-terminal we own, so every
// byte it writes to "the terminal" is counted, with its arrival time.
type session struct {
	cmd   *exec.Cmd
	tty   *os.File
	start time.Time

	mu     sync.Mutex
	out    bytes.Buffer // everything written so far (for markers)
	chunks []chunk
	wake   chan struct{} // closed and replaced on every write
	once   sync.Once     // stop
}

type chunk struct {
	at time.Duration // since start
	n  int
}

func startSession(ctx context.Context, bin string, w, h int, env []string, args ...string) (*session, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color", "COLORTERM=truecolor"), env...)
	s := &session{cmd: cmd, wake: make(chan struct{})}
	s.start = time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		return nil, err
	}
	s.tty = tty
	go s.read()
	return s, nil
}

func (s *session) pid() int { return s.cmd.Process.Pid }

func (s *session) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := s.tty.Read(buf)
		if n > 0 {
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.chunks = append(s.chunks, chunk{at: time.Since(s.start), n: n})
			close(s.wake)
			s.wake = make(chan struct{})
			s.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// waitFor waits until the output contains marker and returns the time
// since start of the write that completed it.
func (s *session) waitFor(marker string, timeout time.Duration) (time.Duration, error) {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		if bytes.Contains(s.out.Bytes(), []byte(marker)) {
			at := s.chunks[len(s.chunks)-1].at
			s.mu.Unlock()
			return at, nil
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-deadline:
			return 0, fmt.Errorf("%q not seen within %v", marker, timeout)
		}
	}
}

// bytesBetween counts the bytes written in [from, to) since start, and
// the number of separate writes (frames, roughly).
func (s *session) bytesBetween(from, to time.Duration) (n, writes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.chunks {
		if c.at >= from && c.at < to {
			n += c.n
			writes++
		}
	}
	return n, writes
}

// tail is a copy of the last n bytes written.
func (s *session) tail(n int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.out.Bytes()
	return append([]byte(nil), b[max(len(b)-n, 0):]...)
}

func (s *session) since() time.Duration { return time.Since(s.start) }

// keyLatency writes key and returns the time until the next byte arrives.
func (s *session) keyLatency(key string, timeout time.Duration) (time.Duration, error) {
	s.mu.Lock()
	wake := s.wake
	s.mu.Unlock()
	t0 := time.Now()
	if _, err := io.WriteString(s.tty, key); err != nil {
		return 0, err
	}
	select {
	case <-wake:
		return time.Since(t0), nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("no frame within %v of key %q", timeout, key)
	}
}

// stop quits opsdeck with q (so profiles get written), and kills it if it
// has not exited within a few seconds.
func (s *session) stop() { s.once.Do(s.quit) }

func (s *session) quit() {
	done := make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(done)
	}()
	_, _ = io.WriteString(s.tty, "q")
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	_ = s.tty.Close()
}
