package prom

import (
	"context"
	"slices"
	"testing"

	"github.com/manacore/opsdeck/backend"
)

// Prometheus' warnings and infos come back with the figures, once per
// feed the answer carried, whichever request (combined, alone, history)
// brought them; the figures themselves still arrive.
func TestFetchKeepsWarningsAndInfos(t *testing.T) {
	f := newFake(t)
	s := newSource(t, f, fleetConfig())
	f.set(exprOf(t, s, keyRPS), vector("service", nowTS, "chat-backend", "20"))
	f.remarks = `"warnings":["remote_read: store 10.0.0.7:10901 did not answer:\n  context deadline exceeded"],"infos":["PromQL info: metric might not be a counter"]`

	for range 2 { // the first Fetch asks every figure alone, the second combines them
		part, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		wantValue(t, "rps", part.Metrics["chat-backend"].RPS, 20)
		got := part.Caveats
		warn := "remote_read: store 10.0.0.7:10901 did not answer: context deadline exceeded"
		info := "PromQL info: metric might not be a counter"
		for _, want := range []backend.Caveat{
			{Feed: backend.FeedMetrics, Text: warn}, {Feed: backend.FeedDatabases, Text: warn}, {Feed: backend.FeedDependencies, Text: warn},
			{Feed: backend.FeedMetrics, Text: info, Info: true},
		} {
			if !slices.Contains(got, want) {
				t.Errorf("caveats %+v lack %+v", got, want)
			}
		}
		if len(got) != 6 {
			t.Errorf("caveats %+v: want each remark once per feed (6)", got)
		}
	}

	f.mu.Lock()
	f.remarks = ""
	f.mu.Unlock()
	part, err := s.Fetch(context.Background())
	if err != nil || len(part.Caveats) != 0 {
		t.Fatalf("an answer without remarks: caveats %+v, err %v", part.Caveats, err)
	}
}

func TestRemarksAreOneLineAndBounded(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	// "a b " takes 4 bytes: é lies on bytes 299 and 300, across the cut.
	long[295] = 0xc3
	long[296] = 0xa9
	got := oneLine("a\n\tb "+string(long), 300)
	if got[:4] != "a b " || len(got) > 300+len("…") {
		t.Fatalf("oneLine = %q (%d bytes)", got[:10], len(got))
	}
	if !utf8Valid(got) {
		t.Fatalf("oneLine cut a rune: %q", got[len(got)-6:])
	}
}

func utf8Valid(s string) bool {
	for _, r := range s {
		if r == 0xFFFD {
			return false
		}
	}
	return true
}
