// Command fleetsvc is the tiny service that runs in the test bed's fleet
// containers (see scripts/testbed). It listens on 127.0.0.1:$PORT only and
// serves
//
//	GET  /api/health  200 "ok", or 503 "unhealthy" after POST /control healthy=false
//	GET  /metrics     Prometheus text exposition
//	POST /control     form values rps, error_pct, latency_ms, healthy (any subset); 204
//
// It generates its own traffic so that Prometheus sees known numbers: every
// 100 ms it records rps/10 requests (fractions carried over), each observed
// at exactly latency_ms in http_request_duration_seconds, and counts them in
// http_requests_total{code,method="GET"}, error_pct percent of them with
// code "500" (also carried over, so the ratio is exact), the rest "200".
// Defaults come from the environment: RPS, ERROR_PCT, LATENCY_MS.
//
// Other modes:
//
//	fleetsvc -check                  GET its own health URL, exit 0 when 200 (the image's HEALTHCHECK)
//	fleetsvc -backfill -now UNIX     write 24 h of known history as OpenMetrics text to stdout
//	                                 (input of `promtool tsdb create-blocks-from openmetrics`);
//	                                 with -format prometheus, as Prometheus text with millisecond
//	                                 timestamps (input of VictoriaMetrics' /api/v1/import/prometheus)
//	fleetsvc -window -now UNIX       print that history's window as "START END" (unix seconds)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	check := flag.Bool("check", false, "probe http://127.0.0.1:$PORT/api/health and exit 0 (healthy) or 1")
	backfill := flag.Bool("backfill", false, "write the test bed's 24 h history as OpenMetrics to stdout and exit")
	window := flag.Bool("window", false, "print the backfill window as \"START END\" (unix seconds) and exit")
	format := flag.String("format", "openmetrics", "with -backfill: openmetrics (seconds, # EOF) or prometheus (milliseconds)")
	now := flag.Int64("now", 0, "with -backfill/-window: the reference time in unix seconds (default: current time)")
	flag.Parse()

	ref := time.Now()
	if *now > 0 {
		ref = time.Unix(*now, 0)
	}
	switch {
	case *window:
		start, end := backfillWindow(ref)
		fmt.Println(start.Unix(), end.Unix())
		return
	case *backfill:
		f := openMetrics
		switch *format {
		case "openmetrics":
		case "prometheus":
			f = promText
		default:
			fmt.Fprintf(os.Stderr, "fleetsvc: -format %q: want openmetrics or prometheus\n", *format)
			os.Exit(2)
		}
		if err := writeBackfill(os.Stdout, ref, f); err != nil {
			fmt.Fprintln(os.Stderr, "fleetsvc: backfill:", err)
			os.Exit(1)
		}
		return
	case *check:
		os.Exit(runCheck())
	}

	if err := serve(); err != nil {
		log.Fatalf("fleetsvc: %v", err)
	}
}

// addr is always loopback: the test bed never binds anything else.
func addr() (string, error) {
	port := os.Getenv("PORT")
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("PORT=%q: want a port number", port)
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}

func runCheck() int {
	a, err := addr()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c := http.Client{Timeout: 1500 * time.Millisecond}
	resp, err := c.Get("http://" + a + "/api/health")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "health:", resp.Status)
		return 1
	}
	return 0
}

func envFloat(key string, def float64) (float64, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: %v", key, v, err)
	}
	return f, nil
}

func serve() error {
	a, err := addr()
	if err != nil {
		return err
	}
	var s settings
	s.Healthy = true
	if s.RPS, err = envFloat("RPS", 10); err != nil {
		return err
	}
	if s.ErrorPct, err = envFloat("ERROR_PCT", 0); err != nil {
		return err
	}
	if s.LatencyMS, err = envFloat("LATENCY_MS", 50); err != nil {
		return err
	}
	if err := s.validate(); err != nil {
		return err
	}
	f := newFleet(s)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	go f.run(ctx, 100*time.Millisecond)

	ln, err := net.Listen("tcp", a)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: f.routes(), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("fleetsvc listening on %s: %s", a, s)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Printf("fleetsvc: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
