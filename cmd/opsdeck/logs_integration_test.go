//go:build integration

package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/testbed"
)

// TestLogsOfARealContainer follows chat-backend's logs on the bed's dockerd
// through the router the console uses: its past lines arrive, tagged with
// the container, and the stream ends when the context does.
func TestLogsOfARealContainer(t *testing.T) {
	tb := testbed.Need(t, testbed.DockerHost)
	eng, err := docker.New(docker.Config{Name: "tb", Host: tb[testbed.DockerHost]})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() { _ = eng.Run(ctx) }()
	defer eng.Close()

	var mu sync.Mutex
	var lines []backend.LogLine
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- docker.LogRouter{eng}.StreamLogs(sctx, "chat-backend", 20, func(l backend.LogLine) {
			mu.Lock()
			lines = append(lines, l)
			mu.Unlock()
		})
	}()
	testbed.Eventually(t, 10*time.Second, "a log line from chat-backend-1", func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(lines) > 0, ""
	})
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stream ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end with its context")
	}
	mu.Lock()
	defer mu.Unlock()
	l := lines[0]
	// fleetsvc logs with Go's log package, to stderr: the demultiplexing shows.
	if l.Container != "chat-backend-1" || l.At.IsZero() || l.Stream != "stderr" || !strings.Contains(l.Text, "rps=20") {
		t.Fatalf("line %+v", l)
	}
	if err := (docker.LogRouter{eng}).StreamLogs(ctx, "no-such-service", 1, func(backend.LogLine) {}); err == nil || !strings.Contains(err.Error(), "no running container of no-such-service") {
		t.Fatalf("unknown service: %v", err)
	}
}
