package prom

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
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

	refuseCombined bool   // answer a combined query with bad_data, like a server that cannot take it
	combinedReply  *reply // answer every combined query with this
	memo           bool   // keep each combined answer: the same query gets it again without the work (benchmarks)
	// remarks are JSON members added to every successful query answer
	// (`"warnings":[…],"infos":[…]`), as a Thanos or remote-read
	// Prometheus adds them when a store did not answer.
	remarks string
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
	if f.remarks != "" && rep.status == 200 && strings.HasPrefix(r.URL.Path, "/api/v1/query") {
		rep.body = strings.TrimSuffix(rep.body, "}") + "," + f.remarks + "}"
	}
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
	_, _ = io.WriteString(w, rep.body)
}

func (f *fakeProm) replyLocked(r *http.Request) reply {
	switch r.URL.Path {
	case "/api/v1/query":
		q := r.Form.Get("query")
		if rep, ok := f.byQuery[q]; ok {
			return rep
		}
		if exprs, keys, isCombined := parseCombined(q); isCombined {
			rep := f.combinedLocked(exprs, keys)
			if f.memo {
				f.byQuery[q] = rep
			}
			return rep
		}
		return f.instantLocked(q)
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

// instantLocked is the answer to one expression: the one set for it, else
// an empty result of the type Prometheus would give (a range selector
// such as probe_success[5m] is a matrix).
func (f *fakeProm) instantLocked(expr string) reply {
	if rep, ok := f.byQuery[expr]; ok {
		return rep
	}
	if rangeSelector.MatchString(expr) {
		return ok(`{"resultType":"matrix","result":[]}`)
	}
	return ok(`{"resultType":"vector","result":[]}`)
}

var rangeSelector = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?\[[0-9]+[smhdwy]\]$`)

// parseCombined takes a combined query (combinedExpr) apart into its
// figures' expressions and keys; ok is false for any other query.
func parseCombined(q string) (exprs, keys []string, ok bool) {
	const open, tag, end = "label_replace(", "\n, \"" + figureLabel + "\", \"", `", "", "")`
	for {
		if !strings.HasPrefix(q, open) {
			return nil, nil, false
		}
		q = q[len(open):]
		i := strings.Index(q, tag)
		if i < 0 {
			return nil, nil, false
		}
		exprs = append(exprs, q[:i])
		q = q[i+len(tag):]
		j := strings.Index(q, end)
		if j < 0 {
			return nil, nil, false
		}
		keys = append(keys, q[:j])
		q = q[j+len(end):]
		if q == "" {
			return exprs, keys, true
		}
		if !strings.HasPrefix(q, " or ") {
			return nil, nil, false
		}
		q = q[len(" or "):]
	}
}

// combinedLocked answers a combined query as Prometheus does: the union of
// the figures' vectors, each series tagged with its figure's key; the
// first failing figure fails the whole query, and a figure that is not an
// instant vector is a type error.
func (f *fakeProm) combinedLocked(exprs, keys []string) reply {
	if f.combinedReply != nil {
		return *f.combinedReply
	}
	if f.refuseCombined {
		return apiError(400, "bad_data", "invalid parameter \"query\": query too long")
	}
	var items []string
	for i, expr := range exprs {
		rep := f.instantLocked(expr)
		if rep.status != 200 {
			return rep
		}
		var env struct {
			Data struct {
				ResultType string `json:"resultType"`
				Result     []struct {
					Metric map[string]string `json:"metric"`
					Value  json.RawMessage   `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(rep.body), &env); err != nil {
			return reply{500, err.Error()}
		}
		if env.Data.ResultType != "vector" {
			return apiError(400, "bad_data", "expected type instant vector in call to function \"label_replace\", got "+env.Data.ResultType)
		}
		for _, it := range env.Data.Result {
			m := map[string]string{figureLabel: keys[i]}
			for k, v := range it.Metric {
				m[k] = v
			}
			mb, _ := json.Marshal(m)
			items = append(items, fmt.Sprintf(`{"metric":%s,"value":%s}`, mb, it.Value))
		}
	}
	return ok(`{"resultType":"vector","result":[` + strings.Join(items, ",") + `]}`)
}

// asked counts the instant queries that evaluated expr, alone or in a
// combined query.
func (f *fakeProm) asked(expr string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, form := range f.forms {
		if form["path"] != "/api/v1/query" {
			continue
		}
		if form["query"] == expr {
			n++
		}
		exprs, _, _ := parseCombined(form["query"])
		for _, e := range exprs {
			if e == expr {
				n++
			}
		}
	}
	return n
}

// combined counts the combined queries the fake was sent.
func (f *fakeProm) combined() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, form := range f.forms {
		if _, _, ok := parseCombined(form["query"]); ok {
			n++
		}
	}
	return n
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
