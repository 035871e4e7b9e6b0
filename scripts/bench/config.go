package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// simConfig is a simulated fleet of about n services (n/3 projects of a
// backend, web app and landing page, on 10 hosts), refreshed every 2 s.
func simConfig(dir string, n int) (string, error) {
	var b strings.Builder
	b.WriteString("environment: bench-sim\nprojects:\n")
	for p := 1; p <= (n+2)/3; p++ {
		fmt.Fprintf(&b, "  - name: proj-%03d\n    services:\n", p)
		for _, c := range []string{"backend", "web", "landing"} {
			fmt.Fprintf(&b, "      - {component: %s, host: host-%02d}\n", c, (p-1)%10+1)
		}
	}
	b.WriteString("sources:\n  simulator: {seed: 1, interval: 2s, timeout: 1s}\n")
	return write(dir, "sim.yaml", b.String())
}

// testbedConfig is the test bed's n idle "scale" containers (compose
// project scale, services svc-001…) seen through dockerSock, with the test
// bed's Prometheus at promURL, refreshed every 2 s (Prometheus every
// promEvery).
func testbedConfig(dir string, n int, dockerSock, promURL string, promEvery time.Duration) (string, error) {
	var b strings.Builder
	b.WriteString("environment: bench-testbed\nprojects:\n  - name: scale\n    services:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "      - {component: backend, name: scale-svc-%03d, host: local}\n", i)
	}
	fmt.Fprintf(&b, "sources:\n  docker:\n    - {name: local, host: \"unix://%s\", interval: 2s, timeout: 2s}\n", dockerSock)
	fmt.Fprintf(&b, "  prometheus: {url: %q, service_label: service, interval: %s, timeout: 2s}\n", promURL, promEvery)
	return write(dir, fmt.Sprintf("testbed-%d-%s.yaml", n, promEvery), b.String())
}

func write(dir, name, text string) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, []byte(text), 0o600)
}
