package prom

import (
	"context"
	"testing"
)

// HasResources names the services the last fetch gave CPU and memory for,
// and forgets them when Prometheus fails, so Docker stats take over.
func TestHasResourcesFollowsTheLastFetch(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	if s.HasResources("chat-backend") {
		t.Fatal("covered before any fetch")
	}
	set := func(key string, r reply) { f.set(exprOf(t, s, key), r) }
	set(keyCPU, vector("service", nowTS, "chat-backend", "12", "chat-web", "3"))
	set(keyMemBytes, vector("service", nowTS, "chat-backend", "1.5e+08"))
	set(keyMemPct, vector("service", nowTS, "picture-backend", "40"))
	if _, err := s.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{
		"chat-backend":    true,  // CPU and memory bytes
		"chat-web":        false, // CPU only
		"picture-backend": false, // memory only
		"landing":         false, // nothing
	} {
		if got := s.HasResources(name); got != want {
			t.Errorf("HasResources(%q) = %v, want %v", name, got, want)
		}
	}

	body := apiError(503, "unavailable", "down")
	for _, fig := range s.figures {
		f.set(fig.expr, body)
	}
	f.rangeReply = &body
	if _, err := s.Fetch(context.Background()); err == nil {
		t.Fatal("want the failed fetch's error")
	}
	if s.HasResources("chat-backend") {
		t.Error("still covered after Prometheus failed; Docker stats would never resume")
	}
}
