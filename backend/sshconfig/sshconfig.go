// Package sshconfig resolves host names the way ssh does, through the
// user's ~/.ssh/config (read with github.com/kevinburke/ssh_config), into
// the backend/ssh Hosts opsdeck connects to: Host aliases, HostName, User,
// Port, IdentityFile, CertificateFile, IdentitiesOnly, ProxyJump chains
// and UserKnownHostsFile, in the file and the files it Includes; and the
// aliases it defines (Aliases), which opsdeck init lists. Hosts of
// opsdeck's own config (sources.ssh.hosts) win where they say something.
//
// Host keys stay strict whatever the file says: StrictHostKeyChecking no
// or accept-new is not honoured, only quoted in the refusal of an unknown
// or changed key, so that refusal is no surprise.
//
// Only the user's file is read, not /etc/ssh/ssh_config: what opsdeck does
// must not depend on a machine-wide file the user did not write for it.
// ProxyCommand and Match exec are not run.
package sshconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/kevinburke/ssh_config"
)

// File is a parsed ssh_config file.
type File struct {
	Path    string // as given, for messages
	display string // Path with the home directory written ~
	cfg     *ssh_config.Config
	// included are the files each Include names, decoded (see includes).
	included map[*ssh_config.Include][]*ssh_config.Config
}

// Load reads and parses the ssh_config file at path. A missing file is no
// file at all (nil, nil) unless required, as when the user named it.
func Load(path, home string, required bool) (*File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ssh config: %w", err)
	}
	defer f.Close()
	cfg, err := ssh_config.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("ssh config %s: %w", path, err)
	}
	file := &File{Path: path, display: tilde(path, home), cfg: cfg, included: map[*ssh_config.Include][]*ssh_config.Config{}}
	includes(cfg, file.included, 1)
	return file, nil
}

// tilde writes a path under home as ~/…, as people know their files.
func tilde(path, home string) string {
	if home != "" && home != "/" {
		if rest, ok := strings.CutPrefix(path, strings.TrimSuffix(home, "/")+"/"); ok {
			return "~/" + rest
		}
	}
	return path
}

// names says whether a Host (or Match) line other than a catch-all "*"
// matches name, in the file or a file it includes where the Include
// applies to name: whether the file knows name as an alias.
func (f *File) names(name string) bool {
	if f == nil {
		return false
	}
	found := false
	f.walk(func(h *ssh_config.Host) bool {
		found = h.Matches(name) && !catchAll(h)
		return !found
	}, func(h *ssh_config.Host) bool { return h.Matches(name) })
	return found
}

func catchAll(h *ssh_config.Host) bool {
	for _, p := range h.Patterns {
		if p.String() != "*" {
			return false
		}
	}
	return true
}

// get is the first value of key for alias (ssh's rule: the first obtained
// value wins), "" when the file does not say.
func (f *File) get(alias, key string) string {
	if f == nil {
		return ""
	}
	v, err := f.cfg.Get(alias, key)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(v)
}

// all is every value of key for alias, for the keys that add up
// (IdentityFile, CertificateFile).
func (f *File) all(alias, key string) []string {
	if f == nil {
		return nil
	}
	vs, err := f.cfg.GetAll(alias, key)
	if err != nil {
		return nil
	}
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
