package docker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// markPropagator writes a header into every request an otelhttp transport
// sends, which shows whether the instrumentation ran.
type markPropagator struct{}

func (markPropagator) Inject(_ context.Context, c propagation.TextMapCarrier) {
	c.Set("X-Opsdeck-Traced", "1")
}
func (markPropagator) Extract(ctx context.Context, _ propagation.TextMapCarrier) context.Context {
	return ctx
}
func (markPropagator) Fields() []string { return []string{"X-Opsdeck-Traced"} }

// The docker client's OpenTelemetry instrumentation stays off: it cost a
// span and metric attributes per stats sample while opsdeck exports none.
func TestRequestsAreNotTraced(t *testing.T) {
	prev := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(markPropagator{})
	t.Cleanup(func() { otel.SetTextMapPropagator(prev) })

	var mu sync.Mutex
	var traced []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		traced = append(traced, r.URL.Path+"="+r.Header.Get("X-Opsdeck-Traced"))
		mu.Unlock()
		w.Header().Set("Api-Version", "1.41")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Version":"20.10.24","ApiVersion":"1.41"}`))
	}))
	t.Cleanup(srv.Close)

	e, err := New(Config{Name: "t", Host: "tcp://" + strings.TrimPrefix(srv.URL, "http://")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.cli.ServerVersion(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(traced) == 0 {
		t.Fatal("the server saw no request")
	}
	for _, r := range traced {
		if !strings.HasSuffix(r, "=") {
			t.Errorf("request %s carried trace context: the client's instrumentation ran", r)
		}
	}
}
