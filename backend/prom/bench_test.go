package prom

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkFetch is one refresh of 200 services against a fake Prometheus
// that answers every figure with one series per service: the decode cost
// opsdeck pays every refresh (the sparkline history is reused within its
// step, as in steady state).
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
	s.now = func() time.Time { return now.Add(historySettle) }
	if _, err := s.Fetch(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Fetch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
