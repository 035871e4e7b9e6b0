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

// CheckTargets checks the targets it is given, not the checker's own.
func TestCheckTargetsChecksTheGivenOnes(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	defer bad.Close()
	c := &Checker{Targets: []backend.CheckTarget{{Name: "other", URL: bad.URL}}}
	got := c.CheckTargets(context.Background(), []backend.CheckTarget{{Name: "chat-backend/green", URL: ok.URL}, {Name: "chat-backend/blue", URL: bad.URL}})
	if len(got) != 2 || !got[0].OK || got[0].Code != 204 || got[0].Target.Name != "chat-backend/green" || got[1].OK || got[1].Code != 503 {
		t.Fatalf("%+v", got)
	}
	if len(c.Targets) != 1 || c.Targets[0].Name != "other" {
		t.Fatalf("the checker's own targets changed: %+v", c.Targets)
	}
}
