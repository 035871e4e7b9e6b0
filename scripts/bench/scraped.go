package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// scaleBasePort is scripts/testbed's SCALE_BASE_PORT: scale container i
// (from 1) listens on scaleBasePort+i-1.
const scaleBasePort = 18100

// testbedScraped is testbedIdle's fleet with every scale container also a
// Prometheus target (labelled service=scale-svc-NNN), so that each of
// opsdeck's Prometheus queries answers with one series per service: the
// test bed otherwise scrapes only its three real services, and a refresh
// decodes almost nothing. Only opsdeck's own figures are measured.
func (b *bench) testbedScraped(n int) {
	label := fmt.Sprintf("test bed %d containers, all scraped by Prometheus", n)
	env, _, err := testbedEnv()
	if err != nil {
		b.fail(label, err)
		return
	}
	targets, promURL := env["OPSDECK_TB_PROM_TARGETS"], env["OPSDECK_TB_PROM_URL"]
	if targets == "" || promURL == "" {
		b.fail(label, fmt.Errorf("the test bed env has no Prometheus targets directory or URL"))
		return
	}
	type group struct {
		Targets []string          `json:"targets"`
		Labels  map[string]string `json:"labels"`
	}
	var groups []group
	for i := 1; i <= n; i++ {
		groups = append(groups, group{
			Targets: []string{fmt.Sprintf("127.0.0.1:%d", scaleBasePort+i-1)},
			Labels:  map[string]string{"service": fmt.Sprintf("scale-svc-%03d", i)},
		})
	}
	body, _ := json.Marshal(groups)
	file := filepath.Join(targets, "bench-scale.json")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		b.fail(label, err)
		return
	}
	defer os.Remove(file)
	// Exactly these n targets up (a larger earlier run's series stay in
	// rate() for five minutes after their targets went), then two scrapes
	// of each for rate() to answer.
	up := `count(up{service=~"scale-svc-.*"} == 1)`
	if err := waitPromCount(promURL, up, func(v float64) bool { return v == float64(n) }, 90*time.Second); err != nil {
		b.fail(label, err)
		return
	}
	rate := `count(sum by (service) (rate(http_requests_total{service=~"scale-svc-.*"}[5m])))`
	if err := waitPromCount(promURL, rate, func(v float64) bool { return v >= float64(n) }, 90*time.Second); err != nil {
		b.fail(label, err)
		return
	}
	sock := strings.TrimPrefix(env["OPSDECK_TB_DOCKER_HOST"], "unix://")
	for _, every := range []time.Duration{2 * time.Second, 5 * time.Second} {
		l := label + ", Prometheus every " + every.String()
		if every == 5*time.Second {
			l += " (its default)"
		}
		b.scrapedWindow(l, n, sock, promURL, every)
	}
}

func (b *bench) scrapedWindow(label string, n int, sock, promURL string, every time.Duration) {
	cfg, err := testbedConfig(b.tmp, n, sock, promURL, every)
	if err != nil {
		b.fail(label, err)
		return
	}
	s, err := b.start(context.Background(), "test-bed-scraped-"+every.String(), "--config", cfg)
	if err != nil {
		b.fail(label, err)
		return
	}
	defer s.stop()
	// The overview names a scale service only while one has a finding,
	// which a fully scraped fleet may not have: wait for the screen itself.
	if _, err := s.waitFor("SYSTEM HEALTH", 10*time.Second); err != nil {
		b.fail(label, err)
		return
	}
	m, err := measureIdle(s, b.dur, nil)
	if err != nil {
		b.fail(label, err)
		return
	}
	b.reportIdle(label, m)
}

// waitPromCount polls an instant query until its single value is ok.
func waitPromCount(promURL, query string, ok func(float64) bool, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		got, err := promScalar(promURL, query)
		if err == nil && ok(got) {
			return nil
		}
		last = fmt.Sprint(got, err)
		time.Sleep(2 * time.Second)
	}
	return fmt.Errorf("prometheus: %s not as wanted within %v (last: %s)", query, within, last)
}

func promScalar(promURL, query string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, promURL+"/api/v1/query?query="+url.QueryEscape(query), nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, err
	}
	if len(r.Data.Result) != 1 {
		return 0, fmt.Errorf("%d results", len(r.Data.Result))
	}
	s, _ := r.Data.Result[0].Value[1].(string)
	return strconv.ParseFloat(s, 64)
}
