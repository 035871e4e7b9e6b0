package prom

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/manacore/opsdeck/backend"
)

// warm runs the first fetch, which asks each figure alone and learns which
// can travel together.
func warm(t *testing.T, s *Source) {
	t.Helper()
	if _, err := s.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// fetchCounting fetches and returns the partial, the requests and
// combined requests it sent, and its error.
func fetchCounting(t *testing.T, f *fakeProm, s *Source) (backend.Partial, int, int, error) {
	t.Helper()
	reqs, _ := f.stats()
	comb := f.combined()
	part, err := s.Fetch(context.Background())
	r, _ := f.stats()
	return part, r - reqs, f.combined() - comb, err
}

// A figure that cannot be evaluated fails the combined request; the
// figures are then asked alone in the same fetch, so the rest arrive and
// the error names that figure only. It is asked alone until it answers,
// then travels with the others again.
func TestCombinedFailureNamesTheFigure(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	rps, p95 := exprOf(t, s, keyRPS), exprOf(t, s, keyP95)
	f.set(rps, vector("service", nowTS, "chat-backend", "20"))
	warm(t, s)

	f.set(p95, apiError(422, "execution", "found duplicate series for the match group"))
	part, reqs, comb, err := fetchCounting(t, f, s)
	var inc *backend.IncompleteError
	var perr *Error
	if !errors.As(err, &inc) || !errors.As(err, &perr) || !slices.Equal(perr.Figures(), []string{keyP95}) {
		t.Fatalf("error %v, want an incomplete fetch naming p95_seconds only", err)
	}
	if !strings.Contains(err.Error(), "duplicate series") {
		t.Errorf("error %q does not carry Prometheus' reason", err)
	}
	wantValue(t, "rps beside a failing figure", part.Metrics["chat-backend"].RPS, 20)
	// combined + its 16 figures alone + dep_up; the clock is pinned, so
	// uptime and the history are the warm-up's
	if reqs != 18 || comb != 1 {
		t.Errorf("failing fetch sent %d requests (%d combined), want 18 (1)", reqs, comb)
	}

	_, reqs, comb, err = fetchCounting(t, f, s)
	if err == nil || reqs != 3 || comb != 1 {
		t.Errorf("next fetch: %d requests (%d combined), err %v; want the failing figure alone beside the combined request and dep_up: 3 (1)", reqs, comb, err)
	}
	f.set(p95, vector("service", nowTS, "chat-backend", "0.1"))
	part, _, _, err = fetchCounting(t, f, s)
	if err != nil {
		t.Fatal(err)
	}
	wantValue(t, "p95 once it answers", part.Metrics["chat-backend"].P95MS, 100)
	if _, reqs, comb, err = fetchCounting(t, f, s); err != nil || reqs != 2 || comb != 1 {
		t.Errorf("after it answered: %d requests (%d combined), err %v; want 2 (1)", reqs, comb, err)
	}
	if f.asked(p95) != 1+2+1+1+1 {
		t.Errorf("p95 asked %d times, want 6 (alone, combined+alone, alone, alone, combined)", f.asked(p95))
	}
}

// A server that refuses the combination itself (every figure answers
// alone) gets no combined request for combineRetry; then it is tried
// again. No error reaches the console meanwhile.
func TestCombinationRefusedIsSwitchedOff(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	clock := now
	s.now = func() time.Time { return clock }
	f.set(exprOf(t, s, keyRPS), vector("service", nowTS, "chat-backend", "20"))
	warm(t, s)
	f.mu.Lock()
	f.refuseCombined = true
	f.mu.Unlock()

	clock = now.Add(2 * time.Second)
	part, reqs, comb, err := fetchCounting(t, f, s)
	if err != nil || reqs != 18 || comb != 1 {
		t.Fatalf("refused combination: %d requests (%d combined), err %v; want 18 (1), no error (the history is the warm-up's)", reqs, comb, err)
	}
	wantValue(t, "rps asked alone", part.Metrics["chat-backend"].RPS, 20)
	clock = now.Add(combineRetry - time.Second)
	if _, reqs, comb, err = fetchCounting(t, f, s); err != nil || comb != 0 || reqs != 19 {
		t.Fatalf("within %s: %d requests (%d combined), err %v; want 19: every figure alone, history", combineRetry, reqs, comb, err)
	}
	if s.QueryCount() != 19 {
		t.Errorf("QueryCount %d while combining is off, want 19", s.QueryCount())
	}
	f.mu.Lock()
	f.refuseCombined = false
	f.mu.Unlock()
	clock = now.Add(2*time.Second + combineRetry)
	if _, reqs, comb, err = fetchCounting(t, f, s); err != nil || comb != 1 || reqs != 3 {
		t.Fatalf("after %s: %d requests (%d combined), err %v; want 3 (1)", combineRetry, reqs, comb, err)
	}
}

// A combined request that fails for want of a server (timeout, 5xx,
// refused connection) is not repeated figure by figure: that would send
// sixteen more requests to a server already in trouble.
func TestCombinedServerFailureIsNotAskedAgainAlone(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	warm(t, s)
	f.mu.Lock()
	f.combinedReply = &reply{503, `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`}
	f.mu.Unlock()
	_, reqs, comb, err := fetchCounting(t, f, s)
	var perr *Error
	if !errors.As(err, &perr) || len(perr.Failed) != 16 {
		t.Fatalf("error %v, want the 16 combined figures failed (uptime is reused)", err)
	}
	if !strings.Contains(err.Error(), "timed out") {
		t.Errorf("error %q does not say why", err)
	}
	// combined and dep_up; the history is the warm-up's (same step, which
	// has not settled)
	if reqs != 2 || comb != 1 {
		t.Errorf("%d requests (%d combined), want 2 (1): no figure asked again alone", reqs, comb)
	}
	f.mu.Lock()
	f.combinedReply = nil
	f.mu.Unlock()
	if _, _, comb, err = fetchCounting(t, f, s); err != nil || comb != 1 {
		t.Errorf("once the server is back: %d combined, err %v", comb, err)
	}
}

// An operator's query ending in a comment cannot comment out the rest of
// the combined request: each expression ends on a line of its own.
func TestCombinedExprKeepsCommentsInside(t *testing.T) {
	figs := []figure{{key: "a", expr: "sum(up) # every target"}, {key: "b", expr: "count(up)"}}
	got := combinedExpr(figs)
	want := "label_replace(sum(up) # every target\n, \"opsdeck_figure\", \"a\", \"\", \"\") or label_replace(count(up)\n, \"opsdeck_figure\", \"b\", \"\", \"\")"
	if got != want {
		t.Fatalf("combinedExpr:\n%s\nwant\n%s", got, want)
	}
}

func TestSplitCombined(t *testing.T) {
	figs := []figure{{key: "rps"}, {key: "p95_seconds"}, {key: "cpu_pct"}}
	smp := func(fig, svc string, v float64) *model.Sample {
		m := model.Metric{"service": model.LabelValue(svc)}
		if fig != "" {
			m[figureLabel] = model.LabelValue(fig)
		}
		return &model.Sample{Metric: m, Value: model.SampleValue(v)}
	}
	vec := model.Vector{smp("p95_seconds", "a", 0.1), smp("rps", "a", 20), smp("", "stray", 1), smp("rps", "b", 5), smp("other", "x", 2)}
	got, err := splitCombined(vec, figs)
	if err != nil {
		t.Fatal(err)
	}
	render := func(v model.Vector) string {
		var parts []string
		for _, s := range v {
			parts = append(parts, s.Metric.String()+"="+s.Value.String())
		}
		return strings.Join(parts, " ")
	}
	wants := []string{`{service="a"}=20 {service="b"}=5`, `{service="a"}=0.1`, ""}
	for i, w := range wants {
		if got[i] == nil || render(got[i]) != w {
			t.Errorf("%s: %q, want %q", figs[i].key, render(got[i]), w)
		}
	}
	if v, err := splitCombined(nil, figs); err != nil || len(v) != 3 || v[0] == nil {
		t.Errorf("a null answer: %v %v, want three empty vectors", v, err)
	}
	_, err = splitCombined(&model.Scalar{}, figs)
	var apiErr *v1.Error
	if !errors.As(err, &apiErr) || apiErr.Type != v1.ErrBadResponse {
		t.Errorf("a scalar answer: %v, want a bad_response error", err)
	}
}
