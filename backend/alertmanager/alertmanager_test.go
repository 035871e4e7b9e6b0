package alertmanager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/testbed"
)

// fakeAM records requests and answers with a handler per "METHOD path".
type fakeAM struct {
	srv *httptest.Server

	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request, body []byte)
	seen   []string // "METHOD escaped-path?query"
}

func newFakeAM(t *testing.T) *fakeAM {
	f := &fakeAM{routes: map[string]func(http.ResponseWriter, *http.Request, []byte){}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.URL.RequestURI())
		h := f.routes[r.Method+" "+r.URL.EscapedPath()]
		f.mu.Unlock()
		if h == nil {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		h(w, r, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAM) route(key string, h func(w http.ResponseWriter, r *http.Request, body []byte)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[key] = h
}

func (f *fakeAM) answer(key string, status int, body string) {
	f.route(key, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

func (f *fakeAM) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

func (f *fakeAM) host() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func newClient(t *testing.T, f *fakeAM, path string) *Client {
	t.Helper()
	c, err := New(Config{URL: f.srv.URL + path})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// alertsJSON is /api/v2/alerts as Alertmanager 0.2x serves it, fields the
// console does not read included.
const alertsJSON = `[
 {"annotations":{"summary":"test bed alert"},"endsAt":"2026-11-26T10:20:00.000Z","fingerprint":"a1","receivers":[{"name":"null"}],
  "startsAt":"2026-11-26T10:00:00.000Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-26T10:16:00.000Z",
  "generatorURL":"http://prom/graph","labels":{"alertname":"TestbedAlwaysFiring","severity":"info"}},
 {"annotations":{"summary":"High Error Rate (10%)"},"endsAt":"2026-11-26T10:20:00.000Z","fingerprint":"b2","receivers":[{"name":"null"}],
  "startsAt":"2026-11-26T10:05:00.000Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-26T10:16:00.000Z",
  "labels":{"alertname":"FleetHighErrorRate","severity":"warning","service":"picture-backend"}},
 {"annotations":{"description":"db-1 disk 91% full"},"endsAt":"2026-11-26T10:20:00.000Z","fingerprint":"c3","receivers":[{"name":"null"}],
  "startsAt":"2026-11-26T10:01:00.000Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-26T10:16:00.000Z",
  "labels":{"alertname":"DiskFilling","severity":"CRITICAL","job":"node"}},
 {"annotations":{},"endsAt":"2026-11-26T10:20:00.000Z","fingerprint":"d4","receivers":[{"name":"null"}],
  "startsAt":"2026-11-26T10:06:00.000Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-26T10:16:00.000Z",
  "labels":{"alertname":"NoSeverity","job":"chat-web","severity":"page"}},
 {"annotations":{},"endsAt":"2026-11-26T10:20:00.000Z","fingerprint":"e5","receivers":[{"name":"null"}],
  "startsAt":"2026-11-26T10:07:00.000Z","status":{"inhibitedBy":[],"mutedBy":["weekend"],"silencedBy":[],"state":"suppressed"},"updatedAt":"2026-11-26T10:16:00.000Z",
  "labels":{"alertname":"Muted","severity":"critical"}}
]`

func TestFetchMapsAndSortsAlerts(t *testing.T) {
	f := newFakeAM(t)
	f.answer("GET /am/api/v2/alerts", 200, alertsJSON)
	c := newClient(t, f, "/am/")
	if c.Name() != "alertmanager" || c.Kind() != "alertmanager" || !slices.Equal(c.Feeds(), []backend.Feed{backend.FeedAlerts}) {
		t.Errorf("identity: %s %s %v", c.Name(), c.Kind(), c.Feeds())
	}
	part, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := f.requests(); len(got) != 1 || got[0] != "GET /am/api/v2/alerts?active=true&inhibited=false&silenced=true" {
		t.Errorf("requests: %q", got)
	}
	var got []string
	for _, a := range part.Alerts {
		got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s/%s", a.State, a.Severity, a.Name, a.Service, a.Summary, a.Since.Format("15:04")))
	}
	want := []string{
		"firing/critical/DiskFilling/node/db-1 disk 91% full/10:01",
		"firing/warning/NoSeverity/chat-web/NoSeverity/10:06", // unknown severity counts as warning
		"firing/warning/FleetHighErrorRate/picture-backend/High Error Rate (10%)/10:05",
		"firing/info/TestbedAlwaysFiring//test bed alert/10:00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("alerts\n got %q\nwant %q", got, want)
	}
	if a := part.Alerts[2]; a.Labels["service"] != "picture-backend" || a.Annotations["summary"] == "" {
		t.Errorf("labels/annotations not kept: %+v", a)
	}
}

// A silenced alert is listed, marked silenced until its last silence
// ends (the silences are asked then, once); one muted by a time interval
// only is still left out.
func TestFetchKeepsSilencedAlerts(t *testing.T) {
	f := newFakeAM(t)
	f.answer("GET /api/v2/alerts", 200, `[
 {"annotations":{"summary":"High Error Rate (10%)"},"startsAt":"2026-11-26T10:05:00Z",
  "status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":["s-1","s-2"],"state":"suppressed"},
  "labels":{"alertname":"FleetHighErrorRate","severity":"warning","service":"picture-backend"}},
 {"annotations":{},"startsAt":"2026-11-26T10:07:00Z","status":{"inhibitedBy":[],"mutedBy":["weekend"],"silencedBy":[],"state":"suppressed"},
  "labels":{"alertname":"Muted","severity":"critical"}},
 {"annotations":{"summary":"test bed alert"},"startsAt":"2026-11-26T10:00:00Z","status":{"inhibitedBy":[],"mutedBy":[],"silencedBy":[],"state":"active"},
  "labels":{"alertname":"TestbedAlwaysFiring","severity":"info"}}
]`)
	f.answer("GET /api/v2/silences", 200, `[
 {"id":"s-1","status":{"state":"active"},"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-26T11:00:00Z","matchers":[{"name":"service","value":"picture-backend"}]},
 {"id":"s-2","status":{"state":"active"},"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-26T12:30:00Z","matchers":[{"name":"alertname","value":"FleetHighErrorRate"}]}
]`)
	part, err := newClient(t, f, "").Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range part.Alerts {
		got = append(got, fmt.Sprintf("%s/%s/%s", a.State, a.Name, a.SilencedUntil.Format("15:04")))
	}
	if want := []string{"firing/TestbedAlwaysFiring/00:00", "silenced/FleetHighErrorRate/12:30"}; !slices.Equal(got, want) {
		t.Errorf("alerts\n got %q\nwant %q", got, want)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want the alerts and the silences once: %q", n, f.requests())
	}
}

// The plan of an expiry names what the silence matches, and refuses a
// silence that has ended already, asking nothing else.
func TestExpirePlanRefusesAnExpiredSilence(t *testing.T) {
	f := newFakeAM(t)
	f.answer("GET /api/v2/silence/s-1", 200, `{"id":"s-1","status":{"state":"active"},"endsAt":"2026-11-26T11:00:00Z",
  "matchers":[{"name":"alertname","value":"HighMemoryUsage"},{"name":"service","value":"picture-backend"}]}`)
	f.answer("GET /api/v2/silence/s-2", 200, `{"id":"s-2","status":{"state":"expired"},"endsAt":"2026-11-26T09:00:00Z","matchers":[{"name":"job","value":"a"}]}`)
	x := &Executor{Client: newClient(t, f, "")}
	p, err := x.Plan(context.Background(), backend.Action{Kind: backend.ActKindExpire, Target: "s-1"})
	if err != nil || !slices.Equal(p.Steps, []string{"alertmanager " + f.host() + ": expire silence s-1 now", "it matches alertname=HighMemoryUsage service=picture-backend"}) {
		t.Fatalf("plan %q, err %v", p.Steps, err)
	}
	_, err = x.Plan(context.Background(), backend.Action{Kind: backend.ActKindExpire, Target: "s-2"})
	if err == nil || err.Error() != "expired at 2026-11-26 09:00 UTC already: nothing to expire" {
		t.Fatalf("expired silence: %v", err)
	}
	if got := f.requests(); slices.ContainsFunc(got, func(r string) bool { return strings.HasPrefix(r, "DELETE") }) {
		t.Fatalf("a plan expired something: %q", got)
	}
}

// The plan of a silence states every matcher, how long and until when,
// who and why.
func TestSilencePlanIsWhole(t *testing.T) {
	f := newFakeAM(t)
	c := newClient(t, f, "")
	c.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	x := &Executor{Client: c}
	p, err := x.Plan(context.Background(), backend.Action{Kind: backend.ActKindSilence, Target: "HighMemoryUsage",
		Actor:  backend.Actor{User: "ana", Role: backend.RoleOperator},
		Params: map[string]string{"match.alertname": "HighMemoryUsage", "match.service": "picture-backend", "duration": "2h", "comment": "fix rolling out"}})
	want := []string{
		"alertmanager " + f.host() + ": silence alerts for 2h, until 2026-11-26 12:00 UTC",
		`where alertname="HighMemoryUsage"`, `and service="picture-backend"`,
		`created by ana, comment "fix rolling out"`,
	}
	if err != nil || !slices.Equal(p.Steps, want) {
		t.Fatalf("plan\n got %q\nwant %q (%v)", p.Steps, want, err)
	}
}

func TestSilencePostsOneSilence(t *testing.T) {
	f := newFakeAM(t)
	var posted map[string]any
	f.route("POST /api/v2/silences", func(w http.ResponseWriter, r *http.Request, body []byte) {
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("content type %q", ct)
		}
		if err := json.Unmarshal(body, &posted); err != nil {
			t.Error(err)
		}
		io.WriteString(w, `{"silenceID":"7d6a2b1c-0000-4000-8000-000000000001"}`)
	})
	c := newClient(t, f, "")
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return start }
	id, err := c.Silence(context.Background(), map[string]string{"service": "picture-backend", "alertname": "FleetHighErrorRate"},
		90*time.Minute, "opsdeck/alice", "DR drill")
	if err != nil || id != "7d6a2b1c-0000-4000-8000-000000000001" {
		t.Fatalf("Silence: %q %v", id, err)
	}
	b, _ := json.Marshal(posted)
	want := `{"comment":"DR drill","createdBy":"opsdeck/alice","endsAt":"2026-11-26T11:30:00Z",` +
		`"matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"FleetHighErrorRate"},` +
		`{"isEqual":true,"isRegex":false,"name":"service","value":"picture-backend"}],"startsAt":"2026-11-26T10:00:00Z"}`
	if string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
}

func TestSilenceRefusesBadInputWithoutAsking(t *testing.T) {
	f := newFakeAM(t)
	c := newClient(t, f, "")
	for _, tc := range []struct {
		m         map[string]string
		d         time.Duration
		by, why   string
		wantError string
	}{
		{nil, time.Hour, "a", "b", "at least one matcher"},
		{map[string]string{"job": "x"}, 0, "a", "b", "duration must be positive"},
		{map[string]string{"job": "x"}, time.Hour, " ", "b", "createdBy is required"},
		{map[string]string{"job": "x"}, time.Hour, "a", "", "comment is required"},
		{map[string]string{"a-b": "x"}, time.Hour, "a", "b", `"a-b" is not a label name`},
	} {
		_, err := c.Silence(context.Background(), tc.m, tc.d, tc.by, tc.why)
		if err == nil || !strings.Contains(err.Error(), tc.wantError) {
			t.Errorf("Silence(%v, %s, %q, %q): %v, want %q", tc.m, tc.d, tc.by, tc.why, err, tc.wantError)
		}
	}
	if got := f.requests(); len(got) != 0 {
		t.Errorf("requests sent: %q", got)
	}
}

func TestSilenceRejectedIsReadable(t *testing.T) {
	f := newFakeAM(t)
	// Alertmanager sends its 400 reason as a JSON string.
	f.answer("POST /api/v2/silences", 400, `"silence invalid: invalid label matcher 0: invalid regular expression \"(\""`+"\n")
	c := newClient(t, f, "")
	_, err := c.Silence(context.Background(), map[string]string{"job": "x"}, time.Hour, "a", "b")
	want := "alertmanager " + f.host() + `: silence: 400 Bad Request: silence invalid: invalid label matcher 0: invalid regular expression "("`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// Swagger's own validation answers 422 with an object.
	f.answer("POST /api/v2/silences", 422, `{"code":602,"message":"comment in body is required"}`)
	_, err = c.Silence(context.Background(), map[string]string{"job": "x"}, time.Hour, "a", "b")
	if err == nil || !strings.HasSuffix(err.Error(), ": silence: 422 Unprocessable Entity: comment in body is required") {
		t.Errorf("got %v", err)
	}
}

// A refusal says what opsdeck authenticated as, for a fetch and for a
// silence alike.
func TestRefusedSaysWhoAsked(t *testing.T) {
	f := newFakeAM(t)
	f.answer("GET /api/v2/alerts", 401, "Unauthorized\n")
	f.answer("POST /api/v2/silences", 403, "")
	c, err := New(Config{URL: f.srv.URL, Auth: "basic auth as opsdeck"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Fetch(context.Background())
	if want := "alertmanager " + f.host() + ": alerts: 401 Unauthorized (basic auth as opsdeck)"; err == nil || err.Error() != want {
		t.Errorf("fetch: got %v, want %q", err, want)
	}
	_, err = c.Silence(context.Background(), map[string]string{"job": "x"}, time.Hour, "a", "b")
	if want := "alertmanager " + f.host() + ": silence: 403 Forbidden (basic auth as opsdeck)"; err == nil || err.Error() != want {
		t.Errorf("silence: got %v, want %q", err, want)
	}
}

func TestSilencesListsAndSorts(t *testing.T) {
	f := newFakeAM(t)
	f.answer("GET /api/v2/silences", 200, `[
 {"id":"old","status":{"state":"expired"},"updatedAt":"2026-11-26T09:00:00Z","comment":"x","createdBy":"bob",
  "startsAt":"2026-11-26T08:00:00Z","endsAt":"2026-11-26T09:00:00Z","matchers":[{"name":"job","value":"a","isRegex":false}]},
 {"id":"now","status":{"state":"active"},"updatedAt":"2026-11-26T10:00:00Z","comment":"DR drill","createdBy":"opsdeck/alice",
  "startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-26T11:00:00Z","annotations":{"k":"v"},
  "matchers":[{"name":"service","value":"chat-.*","isRegex":true,"isEqual":false}]},
 {"id":"later","status":{"state":"pending"},"updatedAt":"2026-11-26T10:00:00Z","comment":"maint","createdBy":"carol",
  "startsAt":"2026-11-26T12:00:00Z","endsAt":"2026-11-26T13:00:00Z","matchers":[{"name":"job","value":"b","isRegex":false,"isEqual":true}]}
]`)
	c := newClient(t, f, "")
	ss, err := c.Silences(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.ID+"/"+s.State)
	}
	if !slices.Equal(ids, []string{"now/active", "later/pending", "old/expired"}) {
		t.Errorf("order: %v", ids)
	}
	if m := ss[0].Matchers[0]; !m.IsRegex || m.IsEqual || m.Value != "chat-.*" || ss[0].CreatedBy != "opsdeck/alice" {
		t.Errorf("active silence: %+v", ss[0])
	}
	if m := ss[2].Matchers[0]; !m.IsEqual {
		t.Error("a matcher without isEqual (Alertmanager < 0.22) must mean =")
	}
}

func TestExpireEscapesAndReportsNotFound(t *testing.T) {
	f := newFakeAM(t)
	f.answer("DELETE /api/v2/silence/7d6a2b1c-0001", 200, "")
	f.answer("DELETE /api/v2/silence/gone", 404, `"silence gone not found"`)
	f.answer("DELETE /api/v2/silence/gone-025", 500, `"silence not found"`+"\n") // Alertmanager 0.25
	c := newClient(t, f, "")
	if err := c.Expire(context.Background(), "7d6a2b1c-0001"); err != nil {
		t.Fatal(err)
	}
	err := c.Expire(context.Background(), "gone")
	if !errors.Is(err, ErrNotFound) || err.Error() != "alertmanager "+f.host()+": expire: 404 Not Found: silence gone not found" {
		t.Errorf("got %v", err)
	}
	if err := c.Expire(context.Background(), "gone-025"); !errors.Is(err, ErrNotFound) {
		t.Errorf("0.25 not found: %v", err)
	}
	for _, bad := range []string{"", "..", "../silences", "a/b", "a?b", "a b"} {
		if err := c.Expire(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "is not a silence ID") {
			t.Errorf("Expire(%q): %v", bad, err)
		}
	}
	if got := f.requests(); len(got) != 3 {
		t.Errorf("requests: %q", got)
	}
}

func TestEndpointEscapesEachSegment(t *testing.T) {
	c, err := New(Config{URL: "http://127.0.0.1:9093/a%20b/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.endpoint(nil, "silence", "x/../y?z").String(); got != "http://127.0.0.1:9093/a%20b/api/v2/silence/x%2F..%2Fy%3Fz" {
		t.Errorf("got %s", got)
	}
}

func TestUnreachableAndSlowAreReadable(t *testing.T) {
	addr := testbed.FreeAddr(t)
	c, _ := New(Config{URL: "http://" + addr})
	if _, err := c.Fetch(context.Background()); err == nil || err.Error() != "alertmanager "+addr+": alerts: connection refused" {
		t.Errorf("refused: %v", err)
	}

	f := newFakeAM(t)
	f.route("GET /api/v2/alerts", func(w http.ResponseWriter, r *http.Request, _ []byte) { <-r.Context().Done() })
	c = newClient(t, f, "")
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := c.Fetch(ctx)
	if time.Since(began) > time.Second || !errors.Is(err, context.DeadlineExceeded) || !strings.HasSuffix(err.Error(), ": alerts: no answer before the deadline") {
		t.Errorf("hang: %v after %s", err, time.Since(began))
	}

	f.answer("GET /api/v2/alerts", 200, `<html>not an alertmanager</html>`)
	if _, err := c.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "unexpected answer") {
		t.Errorf("not JSON: %v", err)
	}
	f.answer("GET /api/v2/alerts", 410, `{"status":"deprecated","error":"The Alertmanager v1 API was deprecated"}`)
	if _, err := c.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "410 Gone") {
		t.Errorf("410: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:9093", "unix:///x", "http://x:9093/?a=b"} {
		if _, err := New(Config{URL: u}); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}
