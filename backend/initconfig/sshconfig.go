package initconfig

import (
	"net"
	"regexp"
	"strings"

	"github.com/manacore/opsdeck/backend/ssh"
	"github.com/manacore/opsdeck/backend/sshconfig"
)

// SSH is what --ssh-hosts read: the aliases of the user's ssh config, each
// as opsdeck resolves it (backend/sshconfig, the one reading of the file).
type SSH struct {
	File  string // the ssh config, as the user knows it (~/.ssh/config)
	Hosts []SSHHost
	Err   error // the file could not be read or parsed
	// Missing: there is no such file.
	Missing bool
}

// SSHHost is an alias of the ssh config and where it leads.
type SSHHost struct {
	Alias string
	Host  ssh.Host // with its jump chain
	Err   error    // it does not resolve (a ProxyCommand, a loop, a bad port)
}

// SSHHosts resolves every alias of r's file as a host: key or an ssh://
// engine of the config would: through r, as the console does.
func SSHHosts(r *sshconfig.Resolver) []SSHHost {
	var out []SSHHost
	for _, a := range r.File.Aliases() {
		h, err := r.Resolve(a, "", "")
		out = append(out, SSHHost{Alias: a, Host: h, Err: err})
	}
	return out
}

// hostRE is a host: the config takes (backend/config's rule).
var hostRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$`)

// ssh writes the aliases as comments, and no sources.ssh: without one
// opsdeck reads ~/.ssh/config, ~/.ssh/known_hosts and the agent as ssh
// does, so an alias is a host as it is. Entries under sources.ssh.hosts
// would only copy the file, and since they win over it, stop following it
// when it changes (and a ProxyJump chain of user@host:port hops has no
// such entry).
func (w *writer) ssh(s SSH) {
	switch {
	case s.Err != nil:
		w.line("  # SSH hosts: not read: %s", oneLine(s.Err))
		return
	case s.Missing:
		w.line("  # SSH hosts: there is no %s; opsdeck reads it when it appears.", s.File)
		return
	}
	w.line("  # SSH hosts (opsdeck init --ssh-hosts): opsdeck resolves the Host aliases of")
	w.line("  # %s itself, as ssh does (HostName, User, Port, IdentityFile, ProxyJump,", s.File)
	w.line("  # Include, ...), and reads it, known_hosts and the agent without a sources.ssh")
	w.line("  # section; so none is written, and an alias is a host as it is: host: ALIAS for a")
	w.line("  # command or a database, host: \"ssh://ALIAS/var/run/docker.sock\" for a Docker engine.")
	if len(s.Hosts) == 0 {
		w.line("  # It has no Host alias (patterns and Host * name no one host).")
		return
	}
	width := 0
	for _, h := range s.Hosts {
		width = max(width, len(h.Alias))
	}
	w.line("  # Its aliases, as opsdeck resolves them:")
	for _, h := range s.Hosts {
		switch {
		case !hostRE.MatchString(h.Alias):
			w.line("  #   %-*s  not a host: opsdeck takes (letters, digits, '.', '-', '_', ':')", width, h.Alias)
		case h.Err != nil:
			w.line("  #   %-*s  does not resolve: %s", width, h.Alias, oneLine(h.Err))
		default:
			w.line("  #   %-*s  %s", width, h.Alias, route(h.Host))
		}
	}
}

// route is where a host leads: user@addr, then each jump host reached
// before it, nearest first ("root@10.0.0.5:2222 via bastion (ops@b:22)").
func route(h ssh.Host) string {
	s := at(h)
	for j := h.Jump; j != nil; j = j.Jump {
		hop := at(*j)
		if host, _, _ := net.SplitHostPort(j.Addr); j.Name != "" && j.Name != host {
			hop = j.Name + " (" + hop + ")"
		}
		s += " via " + hop
	}
	return s
}

func at(h ssh.Host) string {
	if h.User == "" {
		return h.Addr
	}
	return h.User + "@" + h.Addr
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
