package health

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

func TestCheckAll(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(200)
		case "/down":
			w.WriteHeader(503)
		case "/redirect":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/slow":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	closed := "http://" + testbed.FreeAddr(t) + "/api/health"

	c := &Checker{Timeout: 300 * time.Millisecond, Targets: []backend.CheckTarget{
		{Name: "ok", URL: srv.URL + "/ok"}, {Name: "down", URL: srv.URL + "/down"}, {Name: "redirect", URL: srv.URL + "/redirect"},
		{Name: "slow", URL: srv.URL + "/slow"}, {Name: "refused", URL: closed},
	}}
	start := time.Now()
	res := c.CheckAll(context.Background())
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("checks ran one after another or ignored the timeout: %v", took)
	}
	want := []struct {
		name string
		ok   bool
		code int
		err  string
	}{
		{"ok", true, 200, ""}, {"down", false, 503, ""}, {"redirect", false, 302, ""},
		{"slow", false, 0, "no answer before the deadline"}, {"refused", false, 0, "connection refused"},
	}
	for i, w := range want {
		r := res[i]
		if r.Target.Name != w.name || r.OK != w.ok || r.Code != w.code || !strings.Contains(r.Err, w.err) {
			t.Errorf("%s: %+v", w.name, r)
		}
	}
}
