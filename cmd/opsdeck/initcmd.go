package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/docker"
	"github.com/manacore/opsdeck/backend/initconfig"
)

// How long opsdeck init looks: the engine's list and inspects, and all the
// health probes together (each probe has a second of its own).
const (
	initSurveyWait = 15 * time.Second
	initProbeWait  = 20 * time.Second
	initProbeEach  = time.Second
)

// initFlags are the flags of opsdeck init.
type initFlags struct {
	output, prometheus, alertmanager string
	force, sshHosts                  bool
}

func (c *cli) initCommand() *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented config from what is found on this machine",
		Long: prose(`Write a config from what opsdeck finds here: the Docker engine (found as a start
without a config finds it: DOCKER_HOST, DOCKER_CONTEXT, the current docker
context, the default and the rootless socket), its compose projects and
services (the component from the compose service name or the label
opsdeck.component), a health URL for each service where one can be told (the
URL of its health check, else a common path that answers on a port it
publishes, said to be a guess), Prometheus and Alertmanager on
127.0.0.1:9090 and :9093 when they answer (or the URLs given), and with
--ssh-hosts the Host aliases of ~/.ssh/config as opsdeck resolves them (as
comments: an alias is already usable as host: ALIAS or ssh://ALIAS, with no
sources.ssh). Every choice is commented.

The file is checked as opsdeck loads it before it is written, and an existing
file is never replaced without --force. It goes to --output, else the config
opsdeck reads: --config, $OPSDECK_CONFIG, else
$XDG_CONFIG_HOME/opsdeck/config.yaml; --output - prints it.

Exit status: 0 written; 2 the file exists (and no --force) or a bad flag; 3 no
Docker engine found or it does not answer; 1 anything else.`),
		Example: `# look at what it would write
opsdeck init --output -
# write ~/.config/opsdeck/config.yaml, with the hosts of ~/.ssh/config
opsdeck init --ssh-hosts
# a Prometheus elsewhere
opsdeck init --prometheus http://prometheus.internal:9090 --force`,
		Args: c.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.runInit(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "where to write the config (- for stdout; default: the config opsdeck reads)")
	fl.BoolVar(&f.force, "force", false, "replace an existing file")
	fl.BoolVar(&f.sshHosts, "ssh-hosts", false, "list the Host aliases of ~/.ssh/config, as opsdeck resolves them, usable as host: and ssh://ALIAS")
	fl.StringVar(&f.prometheus, "prometheus", "", "Prometheus URL to write (default: http://127.0.0.1:9090 when it answers)")
	fl.StringVar(&f.alertmanager, "alertmanager", "", "Alertmanager URL to write (default: http://127.0.0.1:9093 when it answers)")
	_ = cmd.MarkFlagFilename("output", "yaml", "yml")
	return cmd
}

// runInit finds, writes the config text, checks it with the loader and
// writes it where asked.
func (c *cli) runInit(ctx context.Context, stdout io.Writer, f initFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	for _, u := range []struct{ flag, url string }{{"--prometheus", f.prometheus}, {"--alertmanager", f.alertmanager}} {
		if u.url == "" {
			continue
		}
		if pu, err := url.Parse(u.url); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return usageError{cmd: "opsdeck init", msg: fmt.Sprintf("%s %q: want an http:// or https:// URL", u.flag, u.url)}
		}
	}
	path, err := c.initPath(f.output)
	if err != nil {
		return err
	}
	// Before looking at anything: a file that is there stays there.
	if path != "-" && !f.force {
		if _, err := os.Lstat(path); err == nil {
			return configError{fmt.Errorf("%s already exists: opsdeck init does not replace it (--force does, or --output another file)", path)}
		}
	}

	found, err := c.initFind(ctx, f)
	if err != nil {
		return err
	}
	text := initconfig.YAML(found)
	name := path
	if path == "-" {
		name = "(opsdeck init)"
	}
	cfg, err := config.Parse(name, []byte(text))
	if err != nil {
		return fmt.Errorf("the config opsdeck init made does not load, please report it: %w", err)
	}
	if path == "-" {
		_, err := io.WriteString(stdout, text)
		return err
	}
	if err := writeInitConfig(path, []byte(text), f.force); err != nil {
		return err
	}
	svcs := len(cfg.Services())
	_, err = fmt.Fprintf(stdout, "opsdeck init: wrote %s: docker@%s (%s), %d %s, %d %s; check it with opsdeck config validate\n",
		path, initconfig.EngineName(found.Engine), found.Engine.Why,
		len(cfg.Projects), plural(len(cfg.Projects), "project", "projects"), svcs, plural(svcs, "service", "services"))
	return err
}

// initPath is where opsdeck init writes: --output, else the config opsdeck
// reads (--config, $OPSDECK_CONFIG, the XDG path).
func (c *cli) initPath(output string) (string, error) {
	for _, p := range []string{output, c.f.config, c.getenv("OPSDECK_CONFIG")} {
		if p != "" {
			return p, nil
		}
	}
	p := xdgPath(c.getenv, "XDG_CONFIG_HOME", ".config", "config.yaml")
	if !filepath.IsAbs(p) {
		return "", usageError{cmd: "opsdeck init", msg: "neither $XDG_CONFIG_HOME nor $HOME is set: give --output"}
	}
	return p, nil
}

// initFind finds the engine, its compose services and their health URLs,
// Prometheus, Alertmanager and on request the ssh hosts.
func (c *cli) initFind(ctx context.Context, f initFlags) (initconfig.Found, error) {
	unreachable := func(format string, args ...any) error {
		fmt.Fprintf(c.stderr, "opsdeck init: "+format+"\n", args...)
		return exitStatus(exitUnreachable)
	}
	ep, err := docker.Find(docker.Env{Getenv: c.getenv, Home: c.getenv("HOME")})
	switch {
	case errors.Is(err, docker.ErrNoEngine):
		return initconfig.Found{}, unreachable("no Docker engine found (DOCKER_HOST, DOCKER_CONTEXT, the current docker context, %s, $XDG_RUNTIME_DIR/docker.sock): nothing to write a config from; start from testdata/fleet.example.yaml", docker.DefaultHost)
	case err != nil:
		return initconfig.Found{}, unreachable("%v", err)
	}
	dc := docker.Config{Name: initconfig.EngineName(ep), Host: ep.Host, TLS: ep.TLS}
	if strings.HasPrefix(ep.Host, "ssh://") {
		// Reached as the config init writes (no sources.ssh) will reach
		// it: through ~/.ssh/config, known_hosts and the agent.
		a := &app{cfg: &config.Config{}, getenv: c.getenv}
		defer a.close()
		if dc.Dialer, err = a.sshDialer(a.cfg, ep.Host); err != nil {
			return initconfig.Found{}, unreachable("the Docker engine at %s (%s) cannot be reached: %v", ep.Host, ep.Why, err)
		}
	}
	eng, err := docker.New(dc)
	if err != nil {
		return initconfig.Found{}, unreachable("the Docker engine at %s (%s) cannot be reached: %v", ep.Host, ep.Why, err)
	}
	defer eng.Close()
	sctx, cancel := context.WithTimeout(ctx, initSurveyWait)
	defer cancel()
	svcs, err := eng.ComposeServices(sctx)
	if err != nil {
		return initconfig.Found{}, unreachable("the Docker engine at %s (%s) does not answer: %v", ep.Host, ep.Why, err)
	}
	pctx, cancelProbes := context.WithTimeout(ctx, initProbeWait)
	defer cancelProbes()
	found := initconfig.Found{
		Environment:  hostEnvironment(),
		Engine:       ep,
		UseContext:   true,
		Projects:     true,
		Services:     initconfig.HealthURLs(pctx, svcs, initconfig.HTTPProbe(initProbeEach)),
		Prometheus:   initHTTP(ctx, f.prometheus, zeroPrometheus, "--prometheus"),
		Alertmanager: initHTTP(ctx, f.alertmanager, zeroAlertmanager, "--alertmanager"),
		At:           time.Now(),
	}
	if u := found.Prometheus.URL; u != "" {
		var names []string
		for _, s := range svcs {
			names = append(names, s.Name)
		}
		p := &found.Prometheus
		p.ServiceLabel, p.Matched = initconfig.ServiceLabel(ctx, u, names, zeroConfigWait)
		p.OfServices = len(names)
	}
	if f.sshHosts {
		found.SSH = c.initSSH()
	}
	return found, nil
}

// initHTTP is the Prometheus or Alertmanager to write: the URL given by
// flag, else def when it answers.
func initHTTP(ctx context.Context, given, def, flag string) initconfig.HTTPSource {
	if given != "" {
		note := "given by " + flag + "; it answered /-/ready"
		if !ready(ctx, strings.TrimSuffix(given, "/")+"/-/ready") {
			note = "given by " + flag + "; it did not answer /-/ready when opsdeck init asked"
		}
		return initconfig.HTTPSource{URL: given, Note: note}
	}
	if ready(ctx, def+"/-/ready") {
		return initconfig.HTTPSource{URL: def, Note: "answered " + def + "/-/ready"}
	}
	return initconfig.HTTPSource{Note: "none answered at " + def + "; give its URL (or " + flag + ")"}
}

// initSSH lists the aliases of ~/.ssh/config as the config init writes
// (which has no sources.ssh) resolves them: through the same resolver,
// built on an empty config.
func (c *cli) initSSH() *initconfig.SSH {
	s := &initconfig.SSH{File: config.DefaultSSHConfigFile}
	r, err := newSSHResolver(&config.Config{}, c.getenv)
	switch {
	case err != nil:
		s.Err = errors.Unwrap(err) // Load's, which names the file; init writes no sources.ssh.config_file
	case r.File == nil:
		s.Missing = true
	default:
		s.Hosts = initconfig.SSHHosts(r)
	}
	return s
}

// writeInitConfig writes data to path, creating its directory. Without force
// the file is created exclusively (one that appeared meanwhile stays);
// with force it is replaced at once, never left half written.
func writeInitConfig(path string, data []byte, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if !force {
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return configError{fmt.Errorf("%s already exists: opsdeck init does not replace it (--force does, or --output another file)", path)}
		}
		if err != nil {
			return err
		}
		if _, err := fh.Write(data); err != nil {
			fh.Close()
			os.Remove(path)
			return err
		}
		return fh.Close()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".opsdeck-init-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
