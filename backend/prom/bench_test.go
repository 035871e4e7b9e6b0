package prom

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkFetch is one refresh of 200 services against a fake Prometheus
// that answers every figure with one series per service: the decode cost
// opsdeck pays every refresh in steady state (the sparkline history is
// reused within its step, the instant figures travel in one combined
// request, whose answer the fake keeps so its own work stays out of the
// figures).
func BenchmarkFetch(b *testing.B) {
	f := newFake(b)
	cfg := fleetConfig()
	cfg.Services = nil
	var pairs []string
	for i := range 200 {
		svc := fmt.Sprintf("svc-%03d", i)
		cfg.Services = append(cfg.Services, svc)
		pairs = append(pairs, svc, fmt.Sprintf("%d.25", i))
	}
	s := newSource(b, f, cfg)
	for _, fig := range s.figures {
		f.set(fig.expr, vector("service", nowTS, pairs...))
	}
	f.memo = true
	s.now = func() time.Time { return now.Add(historySettle) }
	for range 2 { // learn the shapes, then combine
		if _, err := s.Fetch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	if f.combined() != 1 {
		b.Fatalf("%d combined requests while warming up, want 1", f.combined())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Fetch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
