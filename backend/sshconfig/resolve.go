package sshconfig

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/manacore/opsdeck/backend/ssh"
)

// Known is a host of opsdeck's own config (sources.ssh.hosts); Jump names
// another Known host.
type Known struct{ Name, Addr, User, Jump string }

// Resolver turns host names into ssh.Hosts.
type Resolver struct {
	File  *File   // nil: no ssh_config file
	Known []Known // sources.ssh.hosts, which win over the file
	// KnownHosts is opsdeck's own known_hosts (sources.ssh.known_hosts),
	// "" when not given: then ~/.ssh/known_hosts (and known_hosts2), or
	// what the file's UserKnownHostsFile says.
	KnownHosts string
	// OwnIdentities: opsdeck's config names identity files, so ssh's
	// default ones (~/.ssh/id_ed25519, …) are not added.
	OwnIdentities bool
	Home          string // the user's home directory, for ~ and %d
	LocalUser     string // for %u
}

// maxHops bounds a ProxyJump chain, as backend/ssh does.
const maxHops = 8

// defaultIdentities are the key files ssh tries when none is configured
// (the security-key ones are left out: x/crypto cannot use them).
var defaultIdentities = []string{"id_rsa", "id_ecdsa", "id_ed25519"}

// Has reports whether name is a host opsdeck knows: one of Known, or an
// alias the file has a Host line for (a catch-all "Host *" does not
// count: it would make every typo a host).
func (r *Resolver) Has(name string) bool {
	if _, ok := r.known(name); ok {
		return true
	}
	return r.File.names(name)
}

// Where names what Has looked in, for the error of a name it lacks.
func (r *Resolver) Where() string {
	if r.File == nil {
		return "under sources.ssh.hosts (and there is no ssh config file)"
	}
	return "under sources.ssh.hosts nor a Host in " + r.File.display
}

func (r *Resolver) known(name string) (Known, bool) {
	for _, k := range r.Known {
		if k.Name == name {
			return k, true
		}
	}
	return Known{}, false
}

// Resolve returns the host name stands for, with its jump chain. user and
// port, from an ssh:// URL, win over the file ("" and "" when not given).
func (r *Resolver) Resolve(name, user, port string) (ssh.Host, error) {
	return r.resolve(name, user, port, nil, true)
}

// resolve resolves one hop. via is the chain of names being resolved (for
// loops); ownJump is false for a hop whose bastion the chain gives.
func (r *Resolver) resolve(name, user, port string, via []string, ownJump bool) (ssh.Host, error) {
	if slices.Contains(via, name) {
		return ssh.Host{}, fmt.Errorf("ProxyJump loop: %s → %s%s", strings.Join(via, " → "), name, r.in())
	}
	if len(via) > maxHops {
		return ssh.Host{}, fmt.Errorf("more than %d jump hosts: %s%s", maxHops, strings.Join(via, " → "), r.in())
	}
	via = append(via, name)
	if k, ok := r.known(name); ok {
		return r.resolveKnown(k, user, via, ownJump)
	}
	f := r.File
	h := ssh.Host{Name: name}
	hostname := f.get(name, "HostName")
	if hostname == "" {
		hostname = name
	} else {
		var err error
		if hostname, err = expand(hostname, map[byte]string{'h': name}); err != nil {
			return h, fmt.Errorf("%s: HostName: %w%s", name, err, r.in())
		}
	}
	if port == "" {
		port = f.get(name, "Port")
	}
	if port == "" {
		port = "22"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return h, fmt.Errorf("%s: port %q is not a port number%s", name, port, r.in())
	}
	h.Addr = net.JoinHostPort(hostname, port)
	if user == "" {
		user = f.get(name, "User")
	}
	h.User = user
	tokens := r.tokens(name, hostname, h.User, port)
	if err := r.fileSettings(&h, name, tokens); err != nil {
		return h, err
	}
	if !ownJump {
		return h, nil
	}
	jump, err := r.jumps(name, via)
	if err != nil {
		return h, err
	}
	h.Jump = jump
	return h, nil
}

// resolveKnown is a host of sources.ssh.hosts: its addr, user and jump as
// opsdeck says; from the file only what opsdeck has no key for.
func (r *Resolver) resolveKnown(k Known, user string, via []string, ownJump bool) (ssh.Host, error) {
	h := ssh.Host{Name: k.Name, Addr: k.Addr, User: k.User}
	if h.User == "" {
		h.User = user
	}
	if h.User == "" {
		h.User = r.File.get(k.Name, "User")
	}
	host, port, _ := net.SplitHostPort(k.Addr)
	if err := r.fileSettings(&h, k.Name, r.tokens(k.Name, host, h.User, port)); err != nil {
		return h, err
	}
	if ownJump && k.Jump != "" {
		j, err := r.resolve(k.Jump, user, "", via, true)
		if err != nil {
			return h, err
		}
		h.Jump = &j
	}
	return h, nil
}

// fileSettings fills what the file says of alias about keys and trust.
func (r *Resolver) fileSettings(h *ssh.Host, alias string, tokens map[byte]string) error {
	f := r.File
	if pc := f.get(alias, "ProxyCommand"); pc != "" && !strings.EqualFold(pc, "none") && f.get(alias, "ProxyJump") == "" {
		return fmt.Errorf("%s: ProxyCommand is not supported (opsdeck runs no local commands to connect); use ProxyJump%s", alias, r.in())
	}
	for _, v := range f.all(alias, "IdentityFile") {
		if strings.EqualFold(v, "none") {
			continue
		}
		p, err := r.path(v, tokens)
		if err != nil {
			return fmt.Errorf("%s: IdentityFile %q: %w%s", alias, v, err, r.in())
		}
		h.IdentityFiles = append(h.IdentityFiles, p)
	}
	if len(h.IdentityFiles) == 0 && !r.OwnIdentities && r.Home != "" {
		for _, n := range defaultIdentities {
			p := filepath.Join(r.Home, ".ssh", n)
			if _, err := os.Stat(p); err == nil {
				h.IdentityFiles = append(h.IdentityFiles, p)
			}
		}
	}
	for _, v := range f.all(alias, "CertificateFile") {
		p, err := r.path(v, tokens)
		if err != nil {
			return fmt.Errorf("%s: CertificateFile %q: %w%s", alias, v, err, r.in())
		}
		h.CertificateFiles = append(h.CertificateFiles, p)
	}
	h.IdentitiesOnly = yes(f.get(alias, "IdentitiesOnly"))
	if r.KnownHosts != "" {
		h.KnownHosts = append(h.KnownHosts, r.KnownHosts)
	}
	if v := f.get(alias, "UserKnownHostsFile"); v != "" {
		for _, w := range strings.Fields(v) {
			if strings.EqualFold(w, "none") {
				continue
			}
			p, err := r.path(w, tokens)
			if err != nil {
				return fmt.Errorf("%s: UserKnownHostsFile %q: %w%s", alias, w, err, r.in())
			}
			h.KnownHosts = append(h.KnownHosts, p)
		}
	}
	if len(h.KnownHosts) == 0 && r.Home != "" {
		h.KnownHosts = []string{filepath.Join(r.Home, ".ssh", "known_hosts"), filepath.Join(r.Home, ".ssh", "known_hosts2")}
	}
	switch v := strings.ToLower(f.get(alias, "StrictHostKeyChecking")); v {
	case "no", "off", "accept-new":
		h.HostKeyNote = fmt.Sprintf("%s says StrictHostKeyChecking %s for alias %s; opsdeck always checks host keys", f.display, v, alias)
	}
	return nil
}

// jumps resolves alias's ProxyJump: "none", or a comma-separated chain
// of [user@]host[:port] (or ssh://…), the first reached first. Each hop
// is itself resolved through the file; only the first keeps its own
// ProxyJump, as ssh -J does.
func (r *Resolver) jumps(alias string, via []string) (*ssh.Host, error) {
	pj := r.File.get(alias, "ProxyJump")
	if pj == "" || strings.EqualFold(pj, "none") {
		return nil, nil
	}
	var prev *ssh.Host
	for i, spec := range strings.Split(pj, ",") {
		user, host, port, err := parseJump(strings.TrimSpace(spec))
		if err != nil {
			return nil, fmt.Errorf("%s: ProxyJump %q: %w%s", alias, pj, err, r.in())
		}
		j, err := r.resolve(host, user, port, via, i == 0)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			j.Jump = prev
		}
		prev = &j
	}
	return prev, nil
}

// parseJump splits one ProxyJump hop: [ssh://][user@]host[:port], with
// IPv6 addresses in brackets when a port follows.
func parseJump(s string) (user, host, port string, err error) {
	s = strings.TrimPrefix(s, "ssh://")
	if i := strings.LastIndex(s, "@"); i >= 0 {
		user, s = s[:i], s[i+1:]
		if user == "" {
			return "", "", "", fmt.Errorf("empty user in %q", s)
		}
	}
	host = s
	switch {
	case strings.HasPrefix(s, "["):
		if host, port, err = net.SplitHostPort(s); err != nil {
			return "", "", "", err
		}
	case strings.Count(s, ":") == 1:
		host, port, _ = strings.Cut(s, ":")
	}
	if host == "" {
		return "", "", "", fmt.Errorf("a hop has no host")
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", "", "", fmt.Errorf("port %q is not a port number", port)
		}
	}
	return user, host, port, nil
}

func (r *Resolver) in() string {
	if r.File == nil {
		return ""
	}
	return " (" + r.File.display + ")"
}

func yes(v string) bool { return strings.EqualFold(v, "yes") || strings.EqualFold(v, "true") }
