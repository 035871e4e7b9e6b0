package initconfig

import (
	"bufio"
	"io"
	"net"
	"strings"
)

// SSHHost is a host of ~/.ssh/config as opsdeck init writes it into
// sources.ssh.hosts.
type SSHHost struct {
	Name, HostName, User, Port, Jump string
}

// Addr is host:port, port 22 unless the file names another.
func (h SSHHost) Addr() string {
	host := h.HostName
	if host == "" {
		host = h.Name
	}
	port := h.Port
	if port == "" {
		port = "22"
	}
	return net.JoinHostPort(host, port)
}

// SSHHosts reads the Host aliases of an OpenSSH client config with their
// HostName, User, Port and ProxyJump. It is a minimal reading, enough to
// list hosts: only a block's own lines count (the first value of a key
// wins, as in ssh), patterns (*, ?, !) name no host, and Match and
// Include blocks are not read. skipped names what was left out, and why.
func SSHHosts(r io.Reader) (hosts []SSHHost, skipped []string, err error) {
	byName := map[string]int{}
	var current []int // indexes into hosts of the block's aliases; nil outside a Host block
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val := splitKeyword(line)
		switch strings.ToLower(key) {
		case "host":
			current = nil
			for _, alias := range strings.Fields(val) {
				if strings.ContainsAny(alias, "*?!") {
					continue
				}
				i, ok := byName[alias]
				if !ok {
					i = len(hosts)
					byName[alias] = i
					hosts = append(hosts, SSHHost{Name: alias})
				}
				current = append(current, i)
			}
		case "match":
			current = nil
			skipped = append(skipped, "Match "+val+" (Match blocks are not read)")
		case "include":
			skipped = append(skipped, "Include "+val+" (included files are not read)")
		case "hostname", "user", "port", "proxyjump":
			for _, i := range current {
				h := &hosts[i]
				field := map[string]*string{"hostname": &h.HostName, "user": &h.User, "port": &h.Port, "proxyjump": &h.Jump}[strings.ToLower(key)]
				if *field == "" {
					*field = val
				}
			}
		}
	}
	return hosts, skipped, sc.Err()
}

// splitKeyword splits "Key value", "Key=value" and "Key = value".
func splitKeyword(line string) (key, val string) {
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return line, ""
	}
	key, rest := line[:i], strings.TrimLeft(line[i:], " \t")
	rest = strings.TrimPrefix(rest, "=")
	return key, strings.Trim(strings.TrimSpace(rest), `"`)
}
