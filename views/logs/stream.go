package logs

import (
	"context"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// Batching of a followed stream: batches are at least logCoalesce apart,
// and what arrives in between goes into the next one (up to maxLogBatch
// lines). A container writing 1,000 lines/s then costs ~20 updates a
// second instead of one per read; a line after a quiet spell shows at once.
const (
	logCoalesce = 50 * time.Millisecond
	maxLogBatch = 1024
)

// stream is one followed log stream: the streamer's goroutine feeds lines
// in, the screen's requests take them out in batches. It lives as long as
// the context it was opened with (the screen's).
type stream struct {
	lines <-chan backend.LogLine
	errc  <-chan error
	last  atomic.Int64 // unix nanoseconds of the previous batch
}

// streamStarted hands the screen its stream.
type streamStarted struct{ stream *stream }

// logBatch is lines that arrived, or the end of the stream.
type logBatch struct {
	lines []backend.LogLine
	err   error
	done  bool // the stream ended
}

// openStream starts following service through src until ctx ends. It is
// called inside a request, off the UI goroutine.
func openStream(ctx context.Context, src backend.LogStreamer, service string, tail int) *stream {
	ch := make(chan backend.LogLine, 256)
	errc := make(chan error, 1)
	go func() {
		errc <- src.StreamLogs(ctx, service, tail, func(l backend.LogLine) {
			select {
			case ch <- l:
			case <-ctx.Done():
			}
		})
		close(ch)
	}()
	return &stream{lines: ch, errc: errc}
}

// next asks for the stream's next batch.
func (v *Logs) next() tea.Cmd {
	s := v.stream
	return kit.Ask(v.id, 0, func(ctx context.Context) tea.Msg { return s.wait(ctx) })
}

// wait blocks for the next line, then gathers lines until logCoalesce has
// passed since the previous batch. When ctx ends (the screen closed) the
// streamer stops and closes the channel, so wait returns too.
func (s *stream) wait(ctx context.Context) logBatch {
	var batch []backend.LogLine
	select {
	case l, ok := <-s.lines:
		if !ok {
			return logBatch{err: <-s.errc, done: true}
		}
		batch = append(batch, l)
	case <-ctx.Done():
		return logBatch{err: ctx.Err(), done: true}
	}
	defer func() { s.last.Store(time.Now().UnixNano()) }()
	window := time.NewTimer(max(logCoalesce-time.Since(time.Unix(0, s.last.Load())), 0))
	defer window.Stop()
	for len(batch) < maxLogBatch {
		select {
		case l, ok := <-s.lines:
			if !ok {
				return logBatch{lines: batch, err: <-s.errc, done: true}
			}
			batch = append(batch, l)
		case <-window.C:
			return s.drain(batch)
		}
	}
	return logBatch{lines: batch}
}

// drain adds what is queued already, then delivers.
func (s *stream) drain(batch []backend.LogLine) logBatch {
	for len(batch) < maxLogBatch {
		select {
		case l, ok := <-s.lines:
			if !ok {
				return logBatch{lines: batch, err: <-s.errc, done: true}
			}
			batch = append(batch, l)
		default:
			return logBatch{lines: batch}
		}
	}
	return logBatch{lines: batch}
}
