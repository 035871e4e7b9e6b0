package main

import (
	"path/filepath"

	"github.com/manacore/opsdeck/backend/config"
)

// xdgPath is $<env>/opsdeck/<name>, or $HOME/<fallback>/opsdeck/<name>
// when the variable is unset or relative (as the XDG spec says).
func xdgPath(getenv func(string) string, env, fallback, name string) string {
	dir := getenv(env)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(getenv("HOME"), fallback)
	}
	return filepath.Join(dir, "opsdeck", name)
}

// logFilePath is opsdeck's own log. It is always under $XDG_STATE_HOME,
// not actions.state_dir: it is opened before the config is read, so that
// it can say why the config failed. "" when there is no home to put it in
// (neither variable set): never a file in the working directory.
func logFilePath(getenv func(string) string) string {
	p := xdgPath(getenv, "XDG_STATE_HOME", ".local/state", "opsdeck.log")
	if !filepath.IsAbs(p) {
		return ""
	}
	return p
}

// The files of `opsdeck serve`, unless its flags say otherwise.
func defaultHostKey(getenv func(string) string) string {
	return xdgPath(getenv, "XDG_STATE_HOME", ".local/state", "ssh_host_ed25519_key")
}

func defaultAuthorizedKeys(getenv func(string) string) string {
	return xdgPath(getenv, "XDG_CONFIG_HOME", ".config", "authorized_keys")
}

// auditLogPath is the audit log of a config whose state directory is dir:
// actions.audit_log, else dir/audit.jsonl.
func auditLogPath(cfg *config.Config, dir string) string {
	if p := expandHome(cfg.Actions.AuditLog); p != "" {
		return p
	}
	return filepath.Join(dir, "audit.jsonl")
}

// incidentsDir is where the incident desk keeps its files.
func incidentsDir(stateDir string) string { return filepath.Join(stateDir, "incidents") }

// reportsDir is where incident reports named without a directory go.
func reportsDir(stateDir string) string { return filepath.Join(stateDir, "reports") }
