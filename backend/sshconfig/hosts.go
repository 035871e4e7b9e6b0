package sshconfig

import (
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kevinburke/ssh_config"
)

// The library follows Include itself (Get and GetAll look into the
// included files) but keeps the included files to itself, so the blocks
// of an included file, needed to know the aliases it defines, are read
// here a second time with the library, found by the library's own rule.

// maxIncludeDepth is the library's bound on nested Include directives.
const maxIncludeDepth = 5

// includes decodes the files each Include directive of cfg names, and
// theirs, into into.
func includes(cfg *ssh_config.Config, into map[*ssh_config.Include][]*ssh_config.Config, depth int) {
	if depth > maxIncludeDepth {
		return
	}
	for _, h := range cfg.Hosts {
		for _, n := range h.Nodes {
			inc, ok := n.(*ssh_config.Include)
			if !ok {
				continue
			}
			for _, p := range includedFiles(inc) {
				data, err := os.ReadFile(p)
				if err != nil {
					continue // the library read it moments ago; gone now, it names no host
				}
				sub, err := ssh_config.DecodeBytes(data)
				if err != nil {
					continue
				}
				into[inc] = append(into[inc], sub)
				includes(sub, into, depth+1)
			}
		}
	}
}

// includedFiles are the files an Include names, found as the library
// finds them: an absolute path as it is, ~/… in the account's home
// directory (as ssh has it, not $HOME), anything else under ~/.ssh; each
// a glob, each file once.
func includedFiles(inc *ssh_config.Include) []string {
	// The directives are unexported; String gives the line back.
	line := strings.TrimSpace(inc.String())
	if inc.Comment != "" {
		line = strings.TrimSuffix(line, " #"+inc.Comment)
	}
	line = strings.TrimSpace(line[len("Include"):])
	line = strings.TrimSpace(strings.TrimPrefix(line, "="))
	var out []string
	for _, d := range strings.Fields(line) {
		p := d
		switch {
		case filepath.IsAbs(d):
		case strings.HasPrefix(d, "~/"):
			p = filepath.Join(accountHome(), d[2:])
		default:
			p = filepath.Join(accountHome(), ".ssh", d)
		}
		matches, _ := filepath.Glob(p)
		for _, m := range matches {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// accountHome is the home directory the library expands Include paths in.
func accountHome() string {
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return os.Getenv("HOME")
}

// walk calls fn on every Host and Match block of the file and of the
// files it includes, in the order ssh reads them. An Include inside a
// block is followed when follow(block) says so: the included blocks count
// only where the block that includes them applies.
func (f *File) walk(fn func(*ssh_config.Host) bool, follow func(*ssh_config.Host) bool) {
	var visit func(cfg *ssh_config.Config) bool
	visit = func(cfg *ssh_config.Config) bool {
		for _, h := range cfg.Hosts {
			if !fn(h) {
				return false
			}
			if !follow(h) {
				continue
			}
			for _, n := range h.Nodes {
				if inc, ok := n.(*ssh_config.Include); ok {
					for _, sub := range f.included[inc] {
						if !visit(sub) {
							return false
						}
					}
				}
			}
		}
		return true
	}
	visit(f.cfg)
}

// Aliases are the host names the file (with what it includes) defines:
// the names of its Host lines, each once, in the order written. Patterns
// (*, ?) and negations (!) name no one host, so neither "Host *" nor
// "Host *.internal" gives an alias; nor does a Match block. Only the
// Includes that apply to every host are followed (those at the top of a
// file or under "Host *").
func (f *File) Aliases() []string {
	if f == nil {
		return nil
	}
	var out []string
	f.walk(func(h *ssh_config.Host) bool {
		if isMatch(h) {
			return true
		}
		for _, p := range h.Patterns {
			if s := p.String(); !strings.ContainsAny(s, "*?!") && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return true
	}, catchAll)
	return out
}

// isMatch says whether a block comes from a Match line rather than Host
// (the library keeps that unexported; its String writes the line back).
func isMatch(h *ssh_config.Host) bool {
	return strings.HasPrefix(strings.TrimSpace(h.String()), "Match")
}
