package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/initconfig"
)

// zeroConfigWait bounds each probe of a start without a config: the
// engine's ping and Prometheus' and Alertmanager's readiness.
const zeroConfigWait = 1500 * time.Millisecond

// Where a start without a config looks for Prometheus and Alertmanager.
const (
	zeroPrometheus   = "http://127.0.0.1:9090"
	zeroAlertmanager = "http://127.0.0.1:9093"
)

// zeroConfig is what a console started without a config opens: the Docker
// engine the docker CLI would talk to, when it answers, with its compose
// projects as the projects and Prometheus and Alertmanager on their
// default loopback ports when they answer (as lazydocker and ctop show the
// local engine with no config); else the demo fleet, and why.
func zeroConfig(ctx context.Context, getenv func(string) string) (*config.Config, string) {
	ep, err := docker.Find(docker.Env{Getenv: getenv, Home: getenv("HOME")})
	switch {
	case errors.Is(err, docker.ErrNoEngine):
		return config.Default(), "no config, no Docker engine found"
	case err != nil:
		return config.Default(), "no config; " + err.Error()
	case strings.HasPrefix(ep.Host, "ssh://"):
		return config.Default(), fmt.Sprintf("no config; %s (%s) is reached over SSH, which a start without a config does not do: `opsdeck init` writes a config for it", ep.Host, ep.Why)
	}
	if err := pingEngine(ctx, ep); err != nil {
		var tlsFile *docker.TLSFileError
		if errors.As(err, &tlsFile) {
			return config.Default(), fmt.Sprintf("no config; the Docker engine at %s (%s) cannot be reached: %v", ep.Host, ep.Why, tlsFile)
		}
		return config.Default(), fmt.Sprintf("no config; the Docker engine at %s (%s) does not answer: %v", ep.Host, ep.Why, err)
	}
	cfg, err := config.Parse("(no config: "+ep.Why+")", []byte(discoveredYAML(ctx, ep)))
	if err != nil {
		return config.Default(), "no config; the engine found could not be used: " + err.Error()
	}
	cfg.Sources.Docker[0].Found = ep.Why
	return cfg, ""
}

// discoveredYAML is the config of what zeroConfig found, as a user would
// write it: what opsdeck init writes, without the projects (the engine's
// compose projects are the projects).
func discoveredYAML(ctx context.Context, ep docker.Endpoint) string {
	f := initconfig.Found{Environment: hostEnvironment(), Engine: ep}
	if ready(ctx, zeroPrometheus+"/-/ready") {
		f.Prometheus.URL = zeroPrometheus
	}
	if ready(ctx, zeroAlertmanager+"/-/ready") {
		f.Alertmanager.URL = zeroAlertmanager
	}
	return initconfig.YAML(f)
}

// hostEnvironment is the environment of a config opsdeck made itself: the
// machine's name.
func hostEnvironment() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "local"
}

// pingEngine asks the endpoint's engine whether it answers.
func pingEngine(ctx context.Context, ep docker.Endpoint) error {
	eng, err := docker.New(docker.Config{Name: ep.Name, Host: ep.Host, TLS: ep.TLS})
	if err != nil {
		return err
	}
	defer eng.Close()
	pctx, cancel := context.WithTimeout(ctx, zeroConfigWait)
	defer cancel()
	return eng.Ping(pctx)
}

// ready reports whether url answers 200 within zeroConfigWait.
func ready(ctx context.Context, url string) bool {
	rctx, cancel := context.WithTimeout(ctx, zeroConfigWait)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
