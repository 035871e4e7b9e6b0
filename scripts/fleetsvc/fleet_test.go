package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTickCarriesFractions(t *testing.T) {
	f := newFleet(settings{RPS: 5, ErrorPct: 10, LatencyMS: 400, Healthy: true})
	for i := 0; i < 100; i++ { // 10 s at 100 ms
		f.tick(100 * time.Millisecond)
	}
	if f.count != 50 || f.failed != 5 || f.ok != 45 {
		t.Fatalf("count=%d failed=%d ok=%d, want 50/5/45", f.count, f.failed, f.ok)
	}
	// 0.4 s lands in le=0.5 and above only.
	want := []uint64{0, 0, 0, 50, 50, 50}
	for i := range want {
		if f.bucketCounts[i] != want[i] {
			t.Fatalf("buckets %v, want %v", f.bucketCounts, want)
		}
	}
	if d := f.sum - 20; d > 1e-9 || d < -1e-9 {
		t.Fatalf("sum %v, want 20", f.sum)
	}
}

func TestControlAndHealth(t *testing.T) {
	f := newFleet(settings{RPS: 1, Healthy: true})
	srv := httptest.NewServer(f.routes())
	defer srv.Close()

	resp, err := http.PostForm(srv.URL+"/control", url.Values{"healthy": {"false"}, "error_pct": {"50"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("control: %s", resp.Status)
	}
	resp, err = http.Get(srv.URL + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("health after healthy=false: %s", resp.Status)
	}
	resp, err = http.PostForm(srv.URL+"/control", url.Values{"error_pct": {"101"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("error_pct=101: %s, want 400", resp.Status)
	}
	if f.s.ErrorPct != 50 {
		t.Fatalf("error_pct %v after a rejected change, want 50", f.s.ErrorPct)
	}
}

func TestBackfill(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var buf bytes.Buffer
	if err := writeBackfill(&buf, now, openMetrics); err != nil {
		t.Fatal(err)
	}
	start, end := backfillWindow(now)
	if end.After(now.Add(-65*time.Minute)) || start.Before(now.Add(-24*time.Hour-time.Minute)) {
		t.Fatalf("window %v..%v", start, end)
	}
	steps := int(end.Sub(start)/time.Minute) + 1
	// 3 services × steps × (7 buckets + count + sum) + 3 × 2 codes × steps + 2 × (HELP+TYPE) + EOF
	wantLines := 3*steps*9 + 3*2*steps + 4 + 1
	lines := 0
	var last string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		lines++
		last = sc.Text()
	}
	if lines != wantLines || last != "# EOF" {
		t.Fatalf("%d lines ending %q, want %d ending # EOF", lines, last, wantLines)
	}
	var again bytes.Buffer
	writeBackfill(&again, now, openMetrics)
	final := `http_request_duration_seconds_bucket{job="fleet",instance="backfill",service="chat-backend",le="0.25"} ` +
		strconv.Itoa((steps-1)*60) + " " + strconv.FormatInt(end.Unix(), 10)
	if !strings.Contains(again.String(), final+"\n") {
		t.Fatalf("missing last chat-backend le=0.25 sample %q", final)
	}
}

// The Prometheus text form carries the same samples, stamped in
// milliseconds, and no # EOF (VictoriaMetrics would take a seconds stamp
// for 1970).
func TestBackfillPrometheusText(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var om, pt bytes.Buffer
	if err := writeBackfill(&om, now, openMetrics); err != nil {
		t.Fatal(err)
	}
	if err := writeBackfill(&pt, now, promText); err != nil {
		t.Fatal(err)
	}
	omLines := strings.Split(strings.TrimSuffix(om.String(), "# EOF\n"), "\n")
	ptLines := strings.Split(pt.String(), "\n")
	if len(omLines) != len(ptLines) {
		t.Fatalf("%d lines, want %d", len(ptLines), len(omLines))
	}
	for i := range omLines {
		o, p := omLines[i], ptLines[i]
		if strings.HasPrefix(o, "#") || o == "" {
			if o != p {
				t.Fatalf("line %d: %q, want %q", i, p, o)
			}
			continue
		}
		j := strings.LastIndexByte(o, ' ')
		if p != o[:j+1]+o[j+1:]+"000" {
			t.Fatalf("line %d: %q, want %q in milliseconds", i, p, o)
		}
	}
}

// A ticker drops the ticks its reader is too slow for; the traffic of the
// time they covered must still be counted.
func TestDroppedTicksStillCountTheirTime(t *testing.T) {
	f := newFleet(settings{RPS: 10, LatencyMS: 40, Healthy: true})
	start := time.Unix(1_000_000, 0)
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.record(ctx, start, ticks, nil); close(done) }()
	// Ten seconds pass, but only four ticks reach the reader.
	for _, at := range []time.Duration{100 * time.Millisecond, 3 * time.Second, 7 * time.Second, 10 * time.Second} {
		ticks <- start.Add(at)
	}
	cancel()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.count != 100 {
		t.Fatalf("count %d after 10 s at 10 rps with dropped ticks, want 100", f.count)
	}
}
