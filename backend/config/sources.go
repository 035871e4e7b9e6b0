package config

import (
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// PromQueryNames are the figures whose PromQL sources.prometheus.queries
// can override; backend/prom documents each default.
var PromQueryNames = []string{
	"rps", "error_rate_pct", "p95_seconds", "avg_latency_seconds", "cpu_pct", "memory_pct", "memory_bytes", "disk_bytes_per_second", "uptime_pct",
	"p95_range", "db_up", "db_connections", "db_max_connections", "db_avg_query_seconds", "db_slow_queries",
	"db_cache_hit_pct", "dep_up", "dep_latency_seconds", "dep_success_pct",
	"colour_rps", "colour_error_rate_pct", "colour_p95_seconds",
}

// contextNameRE is a docker context name, as the docker CLI accepts one.
var contextNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$`)

// engineNameRE is a context name that can name its engine as it is.
var engineNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// labelRE is a Prometheus label name.
var labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func (b *builder) docker(rs []rawDocker) []Docker {
	var out []Docker
	seen := map[string]Pos{}
	for i, r := range rs {
		dp := []any{"sources", "docker", i}
		d := Docker{Name: r.Name, Host: strings.TrimSpace(r.Host), Context: strings.TrimSpace(r.Context)}
		if d.Name == "" {
			d.Name = "local"
			if n := strings.ToLower(d.Context); engineNameRE.MatchString(n) {
				d.Name = n // docker@colima; a context named otherwise stays local
			}
		}
		if b.name("docker engine", d.Name, path(dp, "name")) {
			b.unique(seen, "docker engine", d.Name, b.at(path(dp, "name")...))
		}
		switch {
		case d.Context != "" && d.Host != "":
			b.fail(b.at(path(dp, "context")...), "docker engine %s names both host and context: give one", d.Name)
		case d.Context != "":
			if !contextNameRE.MatchString(d.Context) {
				b.fail(b.at(path(dp, "context")...), "context %q is not a docker context name (docker context ls)", d.Context)
			}
		case d.Host == "":
			d.Host = "unix:///var/run/docker.sock"
			fallthrough
		default:
			b.dockerHost(d.Host, path(dp, "host"))
		}
		if t := r.TLS; t != nil {
			tp := path(dp, "tls")
			d.TLS = &DockerTLS{CAFile: b.filePath(t.CAFile, path(tp, "ca_file")), CertFile: b.filePath(t.CertFile, path(tp, "cert_file")),
				KeyFile: b.filePath(t.KeyFile, path(tp, "key_file")), Pos: b.keyAt(tp...)}
			switch {
			case d.Context != "":
				b.fail(b.at(path(dp, "tls")...), "docker engine %s: a context brings its own TLS files; drop tls", d.Name)
			case !strings.HasPrefix(d.Host, "tcp://"):
				b.fail(b.at(path(dp, "tls")...), "docker engine %s: tls is for tcp:// hosts, not %q", d.Name, d.Host)
			case (d.TLS.CertFile == "") != (d.TLS.KeyFile == ""):
				b.fail(b.at(path(dp, "tls")...), "docker engine %s: tls needs cert_file and key_file together", d.Name)
			}
		}
		d.Schedule = b.schedule(r.Interval, r.Timeout, 2*time.Second, 2*time.Second, dp)
		out = append(out, d)
	}
	return out
}

// dockerHost accepts the engine addresses the Docker CLI does.
func (b *builder) dockerHost(h string, where []any) {
	u, err := url.Parse(h)
	if err != nil {
		b.fail(b.at(where...), "docker host %q is not a URL; write unix:///var/run/docker.sock, tcp://host:2375 or ssh://user@host", h)
		return
	}
	switch u.Scheme {
	case "unix":
		if u.Path == "" {
			b.fail(b.at(where...), "docker host %q names no socket path, e.g. unix:///var/run/docker.sock", h)
		}
	case "tcp":
		if u.Host == "" {
			b.fail(b.at(where...), "docker host %q has no host:port", h)
		}
	case "ssh":
		if u.Host == "" {
			b.fail(b.at(where...), "docker host %q has no host", h)
		}
	default:
		b.fail(b.at(where...), "docker host %q: scheme must be unix, tcp or ssh", h)
	}
}

func (b *builder) prometheus(r *rawPrometheus) *Prometheus {
	if r == nil {
		return nil
	}
	sp := []any{"sources", "prometheus"}
	p := &Prometheus{URL: strings.TrimSpace(r.URL), ServiceLabel: r.ServiceLabel, ColourLabel: r.ColourLabel, Queries: r.Queries}
	if p.URL == "" {
		b.fail(b.at(sp...), "sources.prometheus.url is required, e.g. http://127.0.0.1:9090")
	}
	b.url(p.URL, "url", path(sp, "url"))
	if p.ServiceLabel == "" {
		p.ServiceLabel = "job"
	}
	if !labelRE.MatchString(p.ServiceLabel) {
		b.fail(b.at(path(sp, "service_label")...), "service_label %q is not a Prometheus label name", p.ServiceLabel)
	}
	if p.ColourLabel != "" && (!labelRE.MatchString(p.ColourLabel) || p.ColourLabel == p.ServiceLabel) {
		b.fail(b.at(path(sp, "colour_label")...), "colour_label %q is not a Prometheus label name other than service_label", p.ColourLabel)
	}
	for name, q := range p.Queries {
		if !slices.Contains(PromQueryNames, name) {
			b.fail(b.keyAt(path(sp, "queries", name)...), "unknown query %q%s", name, didYouMean(name, PromQueryNames))
		} else if strings.TrimSpace(q) == "" {
			b.fail(b.at(path(sp, "queries", name)...), "query %q is empty; leave it out to keep the default", name)
		}
	}
	p.HTTP = b.httpClient(r.HTTP, sp)
	p.Schedule = b.schedule(r.Interval, r.Timeout, 5*time.Second, 3*time.Second, sp)
	return p
}

func (b *builder) alertmanager(r *rawAlertmanager) *Alertmanager {
	if r == nil {
		return nil
	}
	sp := []any{"sources", "alertmanager"}
	a := &Alertmanager{URL: strings.TrimSpace(r.URL)}
	if a.URL == "" {
		b.fail(b.at(sp...), "sources.alertmanager.url is required, e.g. http://127.0.0.1:9093")
	}
	b.url(a.URL, "url", path(sp, "url"))
	a.HTTP = b.httpClient(r.HTTP, sp)
	a.Schedule = b.schedule(r.Interval, r.Timeout, 5*time.Second, 3*time.Second, sp)
	return a
}

func (b *builder) ssh(r *rawSSH) *SSH {
	if r == nil {
		return nil
	}
	sp := []any{"sources", "ssh"}
	s := DefaultSSH()
	s.KnownHosts, s.IdentityFiles = strings.TrimSpace(r.KnownHosts), r.IdentityFiles
	if r.Agent != nil {
		s.Agent = *r.Agent
	}
	if r.ConfigFile != "" {
		if s.ConfigFile = strings.TrimSpace(r.ConfigFile); s.ConfigFile == "" {
			b.fail(b.at(path(sp, "config_file")...), "config_file is blank: leave it out for ~/.ssh/config, or write none to read no ssh config")
		}
	}
	for i, f := range s.IdentityFiles {
		if strings.TrimSpace(f) == "" {
			b.fail(b.at(path(sp, "identity_files", i)...), "identity file path is empty")
		}
	}
	seen := map[string]Pos{}
	for i, h := range r.Hosts {
		hp := path(sp, "hosts", i)
		if b.name("ssh host", h.Name, path(hp, "name")) {
			b.unique(seen, "ssh host", h.Name, b.at(path(hp, "name")...))
		}
		if host, port, err := net.SplitHostPort(h.Addr); err != nil || host == "" || port == "" {
			b.fail(b.at(path(hp, "addr")...), "addr %q must be host:port, e.g. db-1.internal:22", h.Addr)
		} else {
			b.host(host, path(hp, "addr"))
		}
		if h.User != "" && !nameRE.MatchString(h.User) {
			b.fail(b.at(path(hp, "user")...), "user %q: %s", h.User, nameRule)
		}
		s.Hosts = append(s.Hosts, SSHHost(h))
	}
	for i, h := range s.Hosts {
		if h.Jump == "" {
			continue
		}
		if _, ok := s.Host(h.Jump); !ok || h.Jump == h.Name {
			b.fail(b.at(path(sp, "hosts", i, "jump")...), "jump host %q is not another host under sources.ssh.hosts", h.Jump)
		}
	}
	return s
}
