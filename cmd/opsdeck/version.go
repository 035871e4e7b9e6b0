package main

import (
	"runtime/debug"
	"strings"
)

// Set by the linker in release builds (see .goreleaser.yaml and the
// Makefile): -X main.version=v1.2.3 -X main.commit=… -X main.date=….
var (
	version = ""
	commit  = ""
	date    = ""
)

// versionString is what --version prints after "opsdeck ": the version,
// commit and date a release build was stamped with, else what the Go
// toolchain recorded in the binary. `go install …@v1.2.3` records the
// module version; `go build` in a git checkout a pseudo-version and the
// commit and its time (with "-dirty" for uncommitted changes). Only a
// build with neither says "(devel)", as Go itself does.
func versionString(info *debug.BuildInfo) string {
	v, c, d := version, commit, date
	if v == "" && info != nil {
		v = info.Main.Version
		var modified bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				c = s.Value
			case "vcs.time":
				d = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && c != "" {
			c = shortCommit(c) + "-dirty"
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if c == "none" { // goreleaser's word when it could not read git
		c = ""
	}
	var about []string
	if c != "" {
		about = append(about, shortCommit(c))
	}
	if d != "" {
		about = append(about, d)
	}
	if len(about) == 0 {
		return v
	}
	return v + " (" + strings.Join(about, ", ") + ")"
}

// shortCommit is a commit hash as Go's pseudo-versions show it, 12 hex
// digits, keeping a "-dirty" mark.
func shortCommit(c string) string {
	hash, dirty := strings.CutSuffix(c, "-dirty")
	if len(hash) > 12 {
		hash = hash[:12]
	}
	if dirty {
		return hash + "-dirty"
	}
	return hash
}

// buildInfo is the running binary's build information, nil without it.
func buildInfo() *debug.BuildInfo {
	if info, ok := debug.ReadBuildInfo(); ok {
		return info
	}
	return nil
}
