package prom

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProm serves canned answers in the exact shape of Prometheus'
// /api/v1 (envelope, string sample values, float-second timestamps), keyed
// by the PromQL it is asked. It counts requests and the most in flight.
type fakeProm struct {
	srv *httptest.Server

	mu          sync.Mutex
	byQuery     map[string]reply // instant queries by expression
	rangeReply  *reply           // query_range; default an empty matrix
	alerts      string           // /api/v1/alerts body
	delay       time.Duration    // per request
	hang        bool             // block until the client gives up
	requests    int
	inFlight    int
	maxInFlight int
	forms       []map[string]string // query parameters of each request
	conns       int                 // connections accepted
}

type reply struct {
	status int
	body   string
}

func newFake(t testing.TB) *fakeProm {
	f := &fakeProm{byQuery: map[string]reply{}}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
		}
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeProm) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.requests++
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	form := map[string]string{"path": r.URL.Path, "accept-encoding": r.Header.Get("Accept-Encoding")}
	for k := range r.Form {
		form[k] = r.Form.Get(k)
	}
	f.forms = append(f.forms, form)
	delay, hang := f.delay, f.hang
	rep := f.replyLocked(r)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if hang {
		<-r.Context().Done()
		return
	}
	time.Sleep(delay)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	fmt.Fprint(w, rep.body)
}

func (f *fakeProm) replyLocked(r *http.Request) reply {
	switch r.URL.Path {
	case "/api/v1/query":
		if rep, ok := f.byQuery[r.Form.Get("query")]; ok {
			return rep
		}
		return ok(`{"resultType":"vector","result":[]}`)
	case "/api/v1/query_range":
		if f.rangeReply != nil {
			return *f.rangeReply
		}
		return ok(`{"resultType":"matrix","result":[]}`)
	case "/api/v1/alerts":
		if f.alerts != "" {
			return reply{200, f.alerts}
		}
		return ok(`{"alerts":[]}`)
	}
	return reply{404, "404 page not found\n"}
}

func (f *fakeProm) set(expr string, r reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byQuery[expr] = r
}

func (f *fakeProm) stats() (requests, maxInFlight int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.maxInFlight
}

// ok wraps data in a success envelope.
func ok(data string) reply {
	return reply{200, `{"status":"success","data":` + data + `}`}
}

// apiError is Prometheus' error envelope with the status its errorType maps to.
func apiError(status int, typ, msg string) reply {
	b, _ := json.Marshal(map[string]string{"status": "error", "errorType": typ, "error": msg})
	return reply{status, string(b)}
}

// vector builds an instant-vector result: label=value pairs of one label,
// every sample at ts. Values are strings as on the wire ("NaN" allowed).
func vector(label string, ts float64, pairs ...string) reply {
	var items []string
	for i := 0; i+1 < len(pairs); i += 2 {
		metric := "{}"
		if pairs[i] != "" {
			metric = fmt.Sprintf(`{%q:%q}`, label, pairs[i])
		}
		items = append(items, fmt.Sprintf(`{"metric":%s,"value":[%s,%q]}`, metric, fmtTS(ts), pairs[i+1]))
	}
	return ok(`{"resultType":"vector","result":[` + strings.Join(items, ",") + `]}`)
}

func fmtTS(ts float64) string { return fmt.Sprintf("%.3f", ts) }

// exprOf is the rendered PromQL of a figure, as the fake will see it.
func exprOf(t *testing.T, s *Source, key string) string {
	t.Helper()
	if key == keyP95Range {
		return s.p95Range
	}
	for _, f := range s.figures {
		if f.key == key {
			return f.expr
		}
	}
	t.Fatalf("no figure %q", key)
	return ""
}
