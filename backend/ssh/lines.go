package ssh

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// lineReader yields lines without their "\n", cutting lines longer than
// maxLine into maxLine pieces.
type lineReader struct {
	br    *bufio.Reader
	split bool // the previous piece was cut at maxLine
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, maxLine)}
}

// next returns the next line (ok false when there is none) and the read
// error at the end.
func (l *lineReader) next() (line string, ok bool, err error) {
	for {
		b, err := l.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			l.split = true
			return string(b), true, nil
		}
		wasSplit := l.split
		l.split = false
		if len(b) == 0 {
			return "", false, err
		}
		if b[len(b)-1] == '\n' {
			b = b[:len(b)-1]
			// A line of exactly k*maxLine bytes: its newline alone is
			// not an extra empty line.
			if len(b) == 0 && wasSplit {
				if err != nil {
					return "", false, err
				}
				continue
			}
		}
		return string(b), true, err
	}
}

// delivery moves lines from both output pipes to out through a single
// goroutine, so out is never called concurrently. A slow out only slows
// the readers, and SSH flow control then pauses the remote: memory stays
// bounded and nothing deadlocks.
type delivery struct {
	mu      sync.Mutex
	stopped bool
	done    chan struct{}
}

func startDelivery(out func(Line), stdout, stderr io.Reader) *delivery {
	d := &delivery{done: make(chan struct{})}
	lines := make(chan Line, 256)
	var readers sync.WaitGroup
	readers.Add(2)
	go scanLines("stdout", stdout, lines, &readers)
	go scanLines("stderr", stderr, lines, &readers)
	go func() { readers.Wait(); close(lines) }()
	go func() {
		defer close(d.done)
		for l := range lines { // keeps draining after stop, so readers never block
			d.mu.Lock()
			if !d.stopped && out != nil {
				out(l)
			}
			d.mu.Unlock()
		}
	}()
	return d
}

// finish waits for all output to be delivered, at most max when max > 0,
// then guarantees out is not called again (waiting for a call in flight).
func (d *delivery) finish(max time.Duration) {
	if max <= 0 {
		<-d.done
	} else {
		t := time.NewTimer(max)
		select {
		case <-d.done:
		case <-t.C:
		}
		t.Stop()
	}
	d.mu.Lock()
	d.stopped = true
	d.mu.Unlock()
}

// scanLines splits r into lines of at most maxLine bytes. Longer lines are
// split rather than dropped (bufio.Scanner would fail on them).
func scanLines(stream string, r io.Reader, lines chan<- Line, wg *sync.WaitGroup) {
	defer wg.Done()
	br := newLineReader(r)
	for {
		text, ok, err := br.next()
		if ok {
			lines <- Line{Stream: stream, Text: text, At: time.Now()}
		}
		if err != nil {
			return
		}
	}
}
