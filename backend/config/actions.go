package config

import (
	pathpkg "path" // path is the builder's path helper here
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
)

// Defaults of the actions section.
const (
	DefaultHealthTimeout = 2 * time.Minute
	DefaultCommandTimout = 5 * time.Minute
	DefaultRestoreTimout = 30 * time.Minute
)

// backups checks a database's backups section.
func (b *builder) backups(r *rawBackups, dp []any) *Backups {
	if r == nil {
		return nil
	}
	bp := path(dp, "backups")
	out := &Backups{Dir: strings.TrimSpace(r.Dir), Pattern: r.Pattern, BinDir: r.BinDir, Conn: r.Conn, Timeout: DefaultRestoreTimout}
	if out.Pattern == "" {
		out.Pattern = "*.dump"
	}
	switch why := backend.RemotePathProblem(pathpkg.Clean(out.Dir), false); {
	case !filepath.IsAbs(out.Dir):
		b.fail(b.at(path(bp, "dir")...), "backups.dir %q must be an absolute directory on the database host, e.g. /var/backups/postgres/chat", r.Dir)
	case why != "":
		// Every dump there would be refused: the listing could never offer one.
		b.fail(b.at(path(bp, "dir")...), "backups.dir %q: %s, so no dump in it could be offered", r.Dir, why)
	}
	if strings.ContainsAny(out.Pattern, "/\x00") {
		b.fail(b.at(path(bp, "pattern")...), "backups.pattern %q is a file name pattern, without '/'", r.Pattern)
	}
	if out.BinDir != "" && !filepath.IsAbs(out.BinDir) {
		b.fail(b.at(path(bp, "bin_dir")...), "backups.bin_dir %q must be absolute, e.g. /usr/lib/postgresql/15/bin", r.BinDir)
	}
	if r.Timeout != nil {
		out.Timeout = b.duration(*r.Timeout, "timeout", path(bp, "timeout")...)
	}
	for i, c := range r.Integrity {
		ip := path(bp, "integrity", i)
		b.name("integrity check", c.Name, path(ip, "name"))
		if strings.TrimSpace(c.SQL) == "" {
			b.fail(b.at(ip...), "integrity check %q needs sql:", c.Name)
		}
		out.Integrity = append(out.Integrity, IntegrityCheck(c))
	}
	return out
}

// DefaultPsqlTimeout is a psql query's statement_timeout.
const DefaultPsqlTimeout = 5 * time.Second

// psql checks a database's psql connection. Values are shell-quoted when
// used; these rules keep psql itself from misreading one (a dbname with
// '=' is a connection string, a leading '-' an option).
func (b *builder) psql(r *rawPsql, dp []any) *Psql {
	if r == nil {
		return nil
	}
	pp := path(dp, "psql")
	out := &Psql{BinDir: strings.TrimSpace(r.BinDir), Host: strings.TrimSpace(r.Host), User: r.User, DBName: r.DBName,
		PassFile: strings.TrimSpace(r.PassFile), Timeout: DefaultPsqlTimeout}
	for key, p := range map[string]string{"bin_dir": out.BinDir, "passfile": out.PassFile} {
		if p != "" && !filepath.IsAbs(p) {
			b.fail(b.at(path(pp, key)...), "psql.%s %q must be an absolute path on the database host", key, p)
		}
	}
	if h := out.Host; h != "" && (strings.HasPrefix(h, "-") || strings.ContainsAny(h, " =\t\n\x00")) {
		b.fail(b.at(path(pp, "host")...), "psql.host %q is not an address or a socket directory", h)
	}
	if r.Port != nil {
		if *r.Port < 1 || *r.Port > 65535 {
			b.fail(b.at(path(pp, "port")...), "psql.port %d is not a TCP port (1-65535)", *r.Port)
		}
		out.Port = *r.Port
	}
	for key, v := range map[string]string{"user": r.User, "dbname": r.DBName} {
		if v != "" && !backend.ValidIdent(v) {
			b.fail(b.at(path(pp, key)...), "psql.%s %q is not a plain name (letters, digits, _ . -, not starting with -)", key, v)
		}
	}
	if r.Timeout != nil {
		if d := b.duration(*r.Timeout, "timeout", path(pp, "timeout")...); d > 0 {
			out.Timeout = d
		} else {
			b.fail(b.at(path(pp, "timeout")...), "psql.timeout must be more than 0")
		}
	}
	return out
}

// actions checks the actions section and every reference into it, after
// projects, databases and sources are known.
func (b *builder) actions(r *rawConfig, c *Config) Actions {
	a := Actions{HealthTimeout: DefaultHealthTimeout}
	ap := []any{"actions"}
	ra := r.Actions
	if ra == nil {
		ra = &rawActions{}
	}
	a.AuditLog, a.StateDir, a.DRTree = strings.TrimSpace(ra.AuditLog), strings.TrimSpace(ra.StateDir), strings.TrimSpace(ra.DRTree)
	if ra.HealthTimeout != nil {
		a.HealthTimeout = b.duration(*ra.HealthTimeout, "health_timeout", path(ap, "health_timeout")...)
	}
	// A host is a sources.ssh.hosts name or an alias of the ssh config,
	// which is read (and the alias looked for) when SSH is set up.
	sshHost := func(h string, where []any, what string) {
		if h == "" {
			b.fail(b.at(where...), "%s needs host: a sources.ssh.hosts name or a Host of ~/.ssh/config", what)
			return
		}
		ssh := c.Sources.SSH
		if ssh != nil {
			if _, ok := ssh.Host(h); ok {
				return
			}
		}
		if ssh != nil && !ssh.ReadsConfigFile() {
			b.fail(b.at(where...), "host %q is not under sources.ssh.hosts (and sources.ssh.config_file is none)", h)
			return
		}
		b.host(h, where)
	}
	seen := map[string]Pos{}
	for i, rc := range ra.Commands {
		cp := path(ap, "commands", i)
		if b.name("command", rc.Name, path(cp, "name")) {
			b.unique(seen, "command", rc.Name, b.at(path(cp, "name")...))
		}
		cmd := Command{Name: rc.Name, Host: rc.Host, HostPos: b.at(path(cp, "host")...), Argv: rc.Argv, Timeout: DefaultCommandTimout, Destructive: true}
		if rc.Destructive != nil {
			cmd.Destructive = *rc.Destructive
		}
		if rc.Timeout != nil {
			cmd.Timeout = b.duration(*rc.Timeout, "timeout", path(cp, "timeout")...)
		}
		if len(rc.Argv) == 0 || strings.TrimSpace(rc.Argv[0]) == "" {
			b.fail(b.at(cp...), "command %q needs argv: the program and its arguments as a list, e.g. [./scripts/rollback.sh, \"{project}\", \"{version}\"]", rc.Name)
		}
		// On the simulated fleet (no Docker engine: the demo) a command
		// runs simulated: it needs no SSH host.
		if c.Sources.Simulator == nil || len(c.Sources.Docker) > 0 || rc.Host != "" {
			sshHost(rc.Host, path(cp, "host"), "command "+rc.Name)
		}
		a.Commands = append(a.Commands, cmd)
	}
	services := map[string]bool{}
	for i, p := range c.Projects {
		for j, s := range p.Services {
			services[s.Name] = true
			if s.RollbackCommand == "" {
				continue
			}
			if _, ok := a.Command(s.RollbackCommand); !ok {
				b.fail(b.at("projects", i, "services", j, "rollback_command"), "rollback_command %q is not under actions.commands", s.RollbackCommand)
			}
		}
	}
	for i, d := range c.Databases {
		for j, s := range d.Services {
			if !services[s] {
				b.fail(b.at("databases", i, "services", j), "service %q is not a configured service%s", s, didYouMean(s, mapKeys(services)))
			}
		}
		if d.Psql != nil {
			if d.Host == "" {
				b.fail(b.at("databases", i), "database %q has psql but no host: psql runs over SSH on it", d.Name)
			} else {
				sshHost(d.Host, []any{"databases", i, "host"}, "psql for "+d.Name)
			}
		}
		if d.Backups != nil {
			if d.Host == "" {
				b.fail(b.at("databases", i), "database %q has backups but no host: the restore runs over SSH on it", d.Name)
			} else {
				sshHost(d.Host, []any{"databases", i, "host"}, "the restore of "+d.Name)
			}
		}
	}
	return a
}

func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
