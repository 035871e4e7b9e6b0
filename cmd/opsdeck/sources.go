package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/alertmanager"
	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/httpclient"
	"github.com/manacore/opsdeck/backend/poll"
	"github.com/manacore/opsdeck/backend/prom"
)

// realSources wires the configured Docker engines, Prometheus and
// Alertmanager into poll jobs. Docker engines also get a background loop
// (their events stream) and a closer.
func (a *app) addRealSources(cfg *config.Config, pc *poll.Config) error {
	s := cfg.Sources
	// Stats jobs go last: figures merge in job order and Prometheus (with
	// cAdvisor) wins where both give one.
	var (
		statsJobs []poll.Job
		stats     []*docker.StatsSource
	)
	defer func() { pc.Jobs = append(pc.Jobs, statsJobs...) }()
	for _, d := range s.Docker {
		dc := docker.Config{Name: d.Name, Host: d.Host, HostLabel: d.Name, StatsConcurrency: 8, Resolve: composeOverrides(cfg),
			ColourLabels: colourLabels(cfg)}
		if t := d.TLS; t != nil {
			dc.TLS = &docker.TLSFiles{CA: t.CAFile, Cert: t.CertFile, Key: t.KeyFile}
		}
		found := d.Found
		if d.Context != "" {
			ep, err := docker.Context(docker.Env{Getenv: a.getenv, Home: a.getenv("HOME")}, d.Context, "sources.docker")
			if err != nil {
				return fmt.Errorf("docker engine %q: %w", d.Name, err)
			}
			dc.Host, dc.TLS, found = ep.Host, ep.TLS, "context"
		}
		if found != "" {
			// Which engine was picked and why, in the header and status.
			dc.Name = d.Name + " (" + found + ")"
		}
		if strings.HasPrefix(dc.Host, "ssh://") {
			dial, err := a.sshDialer(cfg, dc.Host)
			if err != nil {
				return fmt.Errorf("docker engine %q: %w", d.Name, err)
			}
			dc.Dialer = dial
		}
		eng, err := docker.New(dc)
		var tlsFile *docker.TLSFileError
		switch {
		case errors.As(err, &tlsFile) && d.TLS != nil:
			// The config's own file: at its place in the file.
			return cfg.ErrorAt(d.TLS.Pos, "docker engine %s: %v", d.Name, tlsFile)
		case err != nil:
			return fmt.Errorf("docker engine %q: %w", d.Name, err)
		}
		a.runners = append(a.runners, func(ctx context.Context) { _ = eng.Run(ctx) })
		a.engines = append(a.engines, eng)
		a.closers = append(a.closers, eng.Close)
		pc.Jobs = append(pc.Jobs, poll.Job{Source: eng, Interval: d.Interval, Timeout: d.Timeout})
		// Stats are the expensive Docker call (seconds per batch on Engine
		// 20.10): a slower cadence than state, bounded concurrency.
		st := eng.StatsSource()
		stats = append(stats, st)
		statsJobs = append(statsJobs, poll.Job{Source: st, Interval: statsInterval, Timeout: statsTimeout})
	}
	if p := s.Prometheus; p != nil {
		deps := map[string]string{}
		for _, d := range cfg.Dependencies {
			if d.URL != "" {
				deps[d.Name] = d.URL
			}
		}
		q := prom.DefaultQueries()
		// Without an Alertmanager, Prometheus' own alerts are shown.
		q.Alerts = s.Alertmanager == nil
		for name, expr := range p.Queries {
			if err := q.Set(name, expr); err != nil {
				return fmt.Errorf("%s: sources.prometheus.queries.%s: %w", cfg.File, name, err)
			}
		}
		hc, err := sourceClient(cfg, p.HTTP, "prometheus")
		if err != nil {
			return err
		}
		src, err := prom.New(prom.Config{
			URL: p.URL, ServiceLabel: p.ServiceLabel, ColourLabel: p.ColourLabel, Queries: q,
			Services:     serviceNames(cfg.Services()),
			Databases:    names(cfg.Databases, func(d config.Database) string { return d.Name }),
			Dependencies: deps,
			Client:       hc, Auth: p.HTTP.Auth(),
		})
		if err != nil {
			return fmt.Errorf("prometheus: %w", err)
		}
		pc.Jobs = append(pc.Jobs, poll.Job{Source: src, Interval: p.Interval, Timeout: p.Timeout, Warning: warning(p.HTTP)})
		// Where Prometheus has a service's CPU and memory (cAdvisor), its
		// figures win anyway: do not ask Docker for them.
		for _, st := range stats {
			st.SkipCovered(src.HasResources)
		}
	}
	if am := s.Alertmanager; am != nil {
		src, err := a.alertmanagerClient(cfg)
		if err != nil {
			return err
		}
		pc.Jobs = append(pc.Jobs, poll.Job{Source: src, Interval: am.Interval, Timeout: am.Timeout, Warning: warning(am.HTTP)})
	}
	return nil
}

// alertmanagerClient is the one Alertmanager client of the process, for
// the alerts and the silences alike (one connection pool, one set of
// credentials), built on first use.
func (a *app) alertmanagerClient(cfg *config.Config) (*alertmanager.Client, error) {
	if a.am != nil {
		return a.am, nil
	}
	am := cfg.Sources.Alertmanager
	hc, err := sourceClient(cfg, am.HTTP, "alertmanager")
	if err != nil {
		return nil, err
	}
	cl, err := alertmanager.New(alertmanager.Config{URL: am.URL, Client: hc, Auth: am.HTTP.Auth()})
	if err != nil {
		return nil, fmt.Errorf("alertmanager: %w", err)
	}
	a.am = cl
	return cl, nil
}

// sourceClient builds the HTTP client of the source name from its
// settings. A certificate file that cannot be read or used is reported
// where tls_config stands: the source could never connect.
func sourceClient(cfg *config.Config, h config.HTTP, name string) (*http.Client, error) {
	hc, err := httpclient.New(h.Prometheus(), name)
	if err != nil {
		return nil, cfg.ErrorAt(h.TLSPos, "sources.%s: %v", name, err)
	}
	return hc, nil
}

// warning is the header's badge for a source: a certificate that is not
// checked is allowed, but must not go unnoticed.
func warning(h config.HTTP) string {
	if h.InsecureSkipVerify() {
		return "insecure"
	}
	return ""
}

// composeOverrides maps the compose labels named by services' compose:
// keys to those services, for fleets whose compose names differ from
// "<project>-<component>".
func composeOverrides(cfg *config.Config) func(project, service string) (string, backend.Component, bool) {
	type target struct {
		name string
		comp backend.Component
	}
	by := map[string]target{}
	for _, p := range cfg.Projects {
		for _, s := range p.Services {
			if s.Compose != "" {
				by[s.Compose] = target{s.Name, s.Component}
			}
		}
	}
	if len(by) == 0 {
		return nil
	}
	return func(project, service string) (string, backend.Component, bool) {
		t, ok := by[project+"/"+service]
		return t.name, t.comp, ok
	}
}

// The cadence of container stats, slower than state by design.
const (
	statsInterval = 15 * time.Second
	statsTimeout  = 12 * time.Second
)

func serviceNames(svcs []backend.Service) []string {
	out := make([]string, len(svcs))
	for i, s := range svcs {
		out[i] = s.Name
	}
	return out
}

// expandHome turns a leading ~/ into the user's home directory.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// colourLabels are the container labels the deployments read their
// colours from, each once (nil: the engine's default).
func colourLabels(cfg *config.Config) []string {
	var out []string
	for _, d := range cfg.Deployments {
		if !slices.Contains(out, d.ColourLabel) {
			out = append(out, d.ColourLabel)
		}
	}
	return out
}
