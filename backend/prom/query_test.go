package prom

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// answerServer answers every request with the status and body last set.
type answerServer struct {
	mu     sync.Mutex
	status int
	body   string
	srv    *httptest.Server
}

func newAnswerServer(t testing.TB) *answerServer {
	a := &answerServer{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		status, body := a.status, a.body
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *answerServer) set(status int, body string) {
	a.mu.Lock()
	a.status, a.body = status, body
	a.mu.Unlock()
}

// both asks client_golang's v1 client and ours the same question (an
// instant query, or a range query when ranged) of the same answer.
func (a *answerServer) both(t testing.TB, ranged bool) (theirs, ours model.Value, theirErr, ourErr error) {
	c, err := api.NewClient(api.Config{Address: a.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := time.Unix(1_790_000_040, 0)
	q := &queryClient{client: c, http: &http.Client{Transport: api.DefaultRoundTripper}}
	if ranged {
		r := v1.Range{Start: at.Add(-time.Hour), End: at, Step: time.Minute}
		theirs, _, _, theirErr = v1.NewAPI(c).QueryRange(ctx, "up", r)
		ours, _, _, ourErr = q.rangeQuery(ctx, "up", r, 0, 0)
		return theirs, ours, theirErr, ourErr
	}
	theirs, _, _, theirErr = v1.NewAPI(c).Query(ctx, "up", at)
	ours, _, _, ourErr = q.instant(ctx, "up", at, 0, 0)
	return theirs, ours, theirErr, ourErr
}

// Our decoder gives what client_golang's gives, value for value and error
// for error, for every shape an instant query can answer with.
func TestQueryMatchesClient(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		// badJSON: both fail, but the JSON parsers word it differently;
		// only the error type must agree.
		badJSON bool
	}{
		{"vector", 200, `{"status":"success","data":{"resultType":"vector","result":[` +
			`{"metric":{"service":"chat-backend","le":"0.5"},"value":[1790000040.123,"0.25"]},` +
			`{"metric":{},"value":[1790000040,"NaN"]},` +
			`{"metric":{"service":"x\"y\\u00e9 日本"},"value":[1790000040.5,"+Inf"]},` +
			`{"metric":{"datname":"chat"},"value":[1790000040.12345,"-Inf"]},` +
			`{"metric":{"a":"b"},"value":[1790000040.1,"1e-7"]}]}}`, false},
		{"empty vector", 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`, false},
		{"matrix", 200, `{"status":"success","data":{"resultType":"matrix","result":[` +
			`{"metric":{"instance":"http://127.0.0.1:18081/api/health"},"values":[[1790000030,"0"],[1790000035.5,"1"]]},` +
			`{"metric":{"instance":"b"},"values":[]}]}}`, false},
		{"scalar", 200, `{"status":"success","data":{"resultType":"scalar","result":[1790000040.001,"3.5"]}}`, false},
		{"string (v1 reads none)", 200, `{"status":"success","data":{"resultType":"string","result":[1790000040,"hello"]}}`, true},
		{"warnings", 200, `{"status":"success","warnings":["partial"],"data":{"resultType":"vector","result":[{"metric":{"s":"a"},"value":[1,"2"]}]}}`, false},
		{"bad_data 400", 400, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}`, false},
		{"timeout 503", 503, `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`, false},
		{"execution 422", 422, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`, false},
		{"400 without type", 400, `{"status":"error"}`, false},
		{"400 claiming success", 400, `{"status":"success","data":{"resultType":"vector","result":[]}}`, false},
		{"502 from a proxy", 502, `<html>bad gateway</html>`, false},
		{"404", 404, "404 page not found\n", false},
		{"500 json", 500, `{"status":"error","errorType":"internal","error":"boom"}`, false},
		{"400 not json", 400, `oops`, false},
		{"200 not json", 200, `<html>`, true},
		{"200 truncated", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{}`, true},
		{"unknown type", 200, `{"status":"success","data":{"resultType":"bogus","result":[]}}`, true},
		{"bad value", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}`, true},
	}
	a := newAnswerServer(t)
	for _, tc := range cases {
		for _, ranged := range []bool{false, true} {
			name := tc.name
			if ranged {
				name += " (range query)"
			}
			t.Run(name, func(t *testing.T) {
				a.set(tc.status, tc.body)
				theirs, ours, theirErr, ourErr := a.both(t, ranged)
				if (theirErr == nil) != (ourErr == nil) {
					t.Fatalf("client_golang: %v; ours: %v", theirErr, ourErr)
				}
				if theirErr != nil {
					var te, oe *v1.Error
					if !errors.As(theirErr, &te) || !errors.As(ourErr, &oe) {
						t.Fatalf("errors are not *v1.Error: %T %v, %T %v", theirErr, theirErr, ourErr, ourErr)
					}
					if te.Type != oe.Type || (!tc.badJSON && (te.Msg != oe.Msg || te.Detail != oe.Detail)) {
						t.Fatalf("client_golang: %#v\nours: %#v", te, oe)
					}
					return
				}
				if !sameValue(theirs, ours) {
					t.Fatalf("client_golang: %v\nours: %v", theirs, ours)
				}
			})
		}
	}
}

// sameValue compares two query results by type and text: every label,
// value and timestamp, NaN equal to NaN (reflect.DeepEqual says not).
func sameValue(a, b model.Value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b) && a.String() == b.String()
}

// caseFolded says whether body spells one of Prometheus' keys in other
// letter cases ("dAtA"): encoding/json, under v1, matches those; Prometheus
// never writes them, and ours reads the keys as written.
func caseFolded(body string) bool {
	lower := strings.ToLower(body)
	for _, k := range []string{"status", "data", "resulttype", "result", "metric", "value", "values", "errortype", "error", "warnings", "infos", "histogram", "histograms"} {
		if strings.Count(lower, `"`+k+`"`) != strings.Count(body, `"`+k+`"`) &&
			(k != "resulttype" && k != "errortype" || strings.Count(lower, `"`+k+`"`) != strings.Count(body, `"`+map[string]string{"resulttype": "resultType", "errortype": "errorType"}[k]+`"`)) {
			return true
		}
	}
	return false
}

// Whatever the answer, our decoder does not panic, and where both read a
// value it is the same one. Ours is stricter with samples Prometheus never
// writes (a sample without a value is an error, where v1 reads 0 — a false
// figure on screen).
func FuzzInstantMatchesClient(f *testing.F) {
	f.Add(200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1790000040.123,"0.25"]}]}}`)
	f.Add(200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2.5,"NaN"]]}]}}`)
	f.Add(200, `{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}`)
	f.Add(400, `{"status":"error","errorType":"bad_data","error":"x"}`)
	a := newAnswerServer(f)
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 200 || status > 599 {
			return
		}
		if caseFolded(body) {
			return
		}
		a.set(status, body)
		for _, ranged := range []bool{false, true} {
			theirs, ours, theirErr, ourErr := a.both(t, ranged)
			if theirErr == nil && ourErr == nil && !sameValue(theirs, ours) {
				t.Fatalf("range query %v: client_golang read %v; ours %v", ranged, theirs, ours)
			}
		}
	})
}

// A Content-Length no answer lives up to (1 TiB here) costs no more than
// maxSizeHint up front: the short answer is an error, not a panic or a
// terabyte reserved.
func TestAnswerSizeClaimIsCapped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = c.Read(make([]byte, 4096))
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\n\r\n{\"status\":\"success\"")
			}()
		}
	}()
	c, err := api.NewClient(api.Config{Address: "http://" + ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	q := &queryClient{client: c, http: &http.Client{Transport: api.DefaultRoundTripper}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, _, err = q.instant(context.Background(), "up", time.Unix(1_790_000_040, 0), 0, 0)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a truncated answer read as a good one")
	}
	// The reservation is maxSizeHint and an eighth; bytes.Buffer may copy
	// it once more (it does under -race). Without the cap Grow panics.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4*maxSizeHint {
		t.Errorf("reading it allocated %d bytes, want a small multiple of maxSizeHint (%d)", grew, maxSizeHint)
	}
}
