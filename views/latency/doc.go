// Package latency holds the response-time screens: each service's p95 over
// the last hour against the target (tab 4), and the seed's 24-hour p95
// chart of the services marked there.
package latency
