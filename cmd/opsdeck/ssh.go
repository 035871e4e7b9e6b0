package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/sshconfig"
)

// sshSection is SSH as the config sets it up: sources.ssh, or without
// one the user's ssh config, known_hosts and agent.
func sshSection(cfg *config.Config) *config.SSH {
	if cfg.Sources.SSH != nil {
		return cfg.Sources.SSH
	}
	return config.DefaultSSH()
}

// homeDir is $HOME as opsdeck was started with it.
func homeDir(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func expandHomeIn(p, home string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	return p
}

// newSSHResolver reads the ssh config file sources.ssh names (by default
// ~/.ssh/config, which may be missing) and resolves host names through
// it and sources.ssh.hosts.
func newSSHResolver(cfg *config.Config, getenv func(string) string) (*sshconfig.Resolver, error) {
	sc := sshSection(cfg)
	home := homeDir(getenv)
	r := &sshconfig.Resolver{
		KnownHosts: expandHomeIn(sc.KnownHosts, home), OwnIdentities: len(sc.IdentityFiles) > 0, Home: home,
	}
	if u, err := user.Current(); err == nil {
		r.LocalUser = u.Username
	}
	for _, h := range sc.Hosts {
		r.Known = append(r.Known, sshconfig.Known{Name: h.Name, Addr: h.Addr, User: h.User, Jump: h.Jump})
	}
	if sc.ReadsConfigFile() {
		f, err := sshconfig.Load(expandHomeIn(sc.ConfigFile, home), home, sc.ConfigFile != config.DefaultSSHConfigFile)
		if err != nil {
			return nil, fmt.Errorf("sources.ssh.config_file: %w", err)
		}
		r.File = f
	}
	return r, nil
}

// sshResolver is the process's resolver, built on first use.
func (a *app) sshResolver(cfg *config.Config) (*sshconfig.Resolver, error) {
	if a.sshRes != nil {
		return a.sshRes, nil
	}
	r, err := newSSHResolver(cfg, a.getenv)
	if err != nil {
		return nil, err
	}
	a.sshRes = r
	return r, nil
}

// sshClient is the one SSH client of the process (connections are pooled
// per host), built on first use.
func (a *app) sshClient(cfg *config.Config) (*ssh.Client, error) {
	if a.ssh != nil {
		return a.ssh, nil
	}
	sc := sshSection(cfg)
	home := homeDir(a.getenv)
	var ids []string
	for _, f := range sc.IdentityFiles {
		ids = append(ids, expandHomeIn(f, home))
	}
	cl, err := ssh.NewClient(ssh.Config{KnownHosts: expandHomeIn(sc.KnownHosts, home), IdentityFiles: ids, UseAgent: sc.Agent, Getenv: a.getenv})
	if err != nil {
		return nil, err
	}
	a.ssh = cl
	a.closers = append(a.closers, cl.Close)
	return cl, nil
}

// sshHostRef is a host: key that runs something over SSH.
type sshHostRef struct {
	name string
	pos  config.Pos
}

// sshHostRefs are the hosts the commands, the database restores and the
// database details (psql) name.
func sshHostRefs(cfg *config.Config) []sshHostRef {
	var out []sshHostRef
	for _, c := range cfg.Actions.Commands {
		if c.Host != "" {
			out = append(out, sshHostRef{c.Host, c.HostPos})
		}
	}
	for _, d := range cfg.Databases {
		if (d.Backups != nil || d.Psql != nil) && d.Host != "" {
			out = append(out, sshHostRef{d.Host, d.HostPos})
		}
	}
	return out
}

// sshHosts resolves every host the commands and restores name, each
// error at its host: key. A name that is neither under sources.ssh.hosts
// nor a Host of the ssh config is an error (a catch-all Host * does not
// make every typo a host).
func sshHosts(cfg *config.Config, r *sshconfig.Resolver) (map[string]ssh.Host, []error) {
	hosts := map[string]ssh.Host{}
	var errs []error
	for _, ref := range sshHostRefs(cfg) {
		if _, done := hosts[ref.name]; done {
			continue
		}
		if !r.Has(ref.name) {
			errs = append(errs, cfg.ErrorAt(ref.pos, "host %q is neither %s", ref.name, r.Where()))
			continue
		}
		h, err := r.Resolve(ref.name, "", "")
		if err != nil {
			errs = append(errs, cfg.ErrorAt(ref.pos, "host %q: %v", ref.name, err))
			continue
		}
		hosts[ref.name] = h
	}
	return hosts, errs
}

// sshDialer reaches the Docker engine of ssh://[user@]host[:port] through
// opsdeck's own SSH layer, with the same host-key rules as every command;
// host may be a sources.ssh.hosts name or an ssh config alias.
func (a *app) sshDialer(cfg *config.Config, host string) (func(ctx context.Context, network, addr string) (net.Conn, error), error) {
	r, err := a.sshResolver(cfg)
	if err != nil {
		return nil, err
	}
	cl, err := a.sshClient(cfg)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(host)
	if err != nil {
		return nil, err
	}
	h, err := r.Resolve(u.Hostname(), u.User.Username(), u.Port())
	if err != nil {
		return nil, fmt.Errorf("ssh host %s: %w", u.Hostname(), err)
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return cl.Dial(ctx, h, network, addr)
	}, nil
}
