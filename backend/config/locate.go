package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Locate finds the config file: flagPath if given, else $OPSDECK_CONFIG,
// else $XDG_CONFIG_HOME/opsdeck/config.yaml ($HOME/.config when unset) if
// it exists. "" means no file: use Default(). A path the user named
// explicitly (flag or variable) must exist; silently falling back to the
// demo fleet would show an on-call engineer fake data.
func Locate(flagPath string, getenv func(string) string) (string, error) {
	if flagPath != "" {
		return explicit(flagPath, "--config")
	}
	if p := getenv("OPSDECK_CONFIG"); p != "" {
		return explicit(p, "$OPSDECK_CONFIG")
	}
	dir := getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) { // the XDG spec says to ignore relative paths
		home := getenv("HOME")
		if home == "" {
			return "", nil
		}
		dir = filepath.Join(home, ".config")
	}
	p := filepath.Join(dir, "opsdeck", "config.yaml")
	switch _, err := os.Stat(p); {
	case err == nil:
		return p, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", nil
	default:
		// It may be there but unreadable: say so rather than show the demo.
		return "", fmt.Errorf("%s: %w", p, unwrapPath(err))
	}
}

// explicit checks a path the user named; from says where it came from.
func explicit(path, from string) (string, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("%s: config file not found (named by %s)", path, from)
	case err != nil:
		return "", fmt.Errorf("%s: %w (named by %s)", path, unwrapPath(err), from)
	case fi.IsDir():
		return "", fmt.Errorf("%s: is a directory, not a config file (named by %s)", path, from)
	}
	return path, nil
}

// unwrapPath drops the *fs.PathError wrapper, whose text repeats the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
