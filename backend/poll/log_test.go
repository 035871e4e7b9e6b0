package poll

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log destination the poller's goroutines share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

// At debug level every fetch is logged with its source and timing; at
// info level only a source starting to fail and recovering, once each.
func TestLogsFetchesFailuresAndRecovery(t *testing.T) {
	for _, c := range []struct {
		level slog.Level
		want  []string
	}{
		{slog.LevelDebug, []string{
			`level=DEBUG msg=fetch source=docker took=`,
			`level=WARN msg="source failing" source=docker took=`,
			`level=DEBUG msg="fetch failed" source=docker took=`,
			`level=INFO msg="source recovered" source=docker took=`,
		}},
		{slog.LevelInfo, []string{
			`level=WARN msg="source failing" source=docker took=`,
			`level=INFO msg="source recovered" source=docker took=`,
		}},
	} {
		var out syncBuffer
		src := inventorySource()
		p := New(Config{Jobs: []Job{{Source: src, Interval: time.Second}},
			Log: slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: c.level}))})
		ctx := context.Background()
		p.Once(ctx)
		src.set(errors.New("connection refused"), 0)
		p.Once(ctx)
		p.Once(ctx)
		src.set(nil, 0)
		p.Once(ctx)

		got := out.lines()
		if len(got) != len(c.want) {
			t.Fatalf("%v: %d lines, want %d:\n%s", c.level, len(got), len(c.want), strings.Join(got, "\n"))
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%v: line %d\n  got  %s\n  want …%s…", c.level, i+1, got[i], w)
			}
		}
		if !strings.Contains(got[len(got)-1], "failures=2") || !strings.Contains(strings.Join(got, "\n"), `err="connection refused"`) {
			t.Errorf("%v: the recovery should count the failures, the failure say why:\n%s", c.level, strings.Join(got, "\n"))
		}
	}
}
