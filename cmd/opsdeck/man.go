package main

import (
	"fmt"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// The man page's own sections, after the commands and options that
// mango-cobra takes from the command tree.
const (
	manExitStatus = `0: healthy (status, check), or the command did what it was asked.
1: status: a service, database or dependency is degraded, or an alert is firing; check: a health check answered with a status other than 2xx; other commands: the command failed.
2: a usage error (unknown command or flag, stray argument, bad flag value) or a config error (not found, does not load); config validate: the config has problems; init: the file is there already (and no --force).
3: status: a source could not be reached; check: a health check got no answer at all. The picture is incomplete, and this wins over 1. init: no Docker engine was found, or it does not answer.`

	manEnvironment = `OPSDECK_CONFIG: the config file when --config is not given.
OPSDECK_DEMO: any value opens the demo fleet, as --demo does, unless a config is named.
DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONTEXT, DOCKER_CONFIG: with no config, the Docker engine is found as the docker CLI finds it.
OPSDECK_LOG_LEVEL: the default of --log-level.
OPSDECK_CPUPROFILE, OPSDECK_MEMPROFILE: the defaults of --cpuprofile and --memprofile.
XDG_CONFIG_HOME: where the config and serve's authorized keys are (default ~/.config).
XDG_STATE_HOME: where the state (audit log, incidents, version history), the log file and serve's host key are (default ~/.local/state).
OPSDECK_THEME: the default of --theme.
NO_COLOR: any value turns colour off, as --no-color does, whatever the theme.
SSH_AUTH_SOCK: the agent used for SSH (sources.ssh.agent).
GOMAXPROCS: the console runs on one processor unless this says otherwise.`

	manFiles = `$XDG_CONFIG_HOME/opsdeck/config.yaml: the config (opsdeck config path prints every path; opsdeck config schema its JSON Schema).
$XDG_STATE_HOME/opsdeck/audit.jsonl: the audit log, two JSON lines per action (actions.audit_log).
$XDG_STATE_HOME/opsdeck/incidents/: the open incident and its timeline.
$XDG_STATE_HOME/opsdeck/opsdeck.log: opsdeck's own log, rotated at 5 MiB into opsdeck.log.1.
$XDG_STATE_HOME/opsdeck/ssh_host_ed25519_key: the host key of opsdeck serve.
$XDG_CONFIG_HOME/opsdeck/authorized_keys: who may log in to opsdeck serve.`

	manSeeAlso = `The documentation in the repository: docs/ (configuration, keys, actions and audit, incidents, deployments, serve, status and check JSON).`
)

func (c *cli) manCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the man page (roff), e.g. opsdeck man | man -l -",
		Args:  c.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// From a tree of its own: the running tree has this command's
			// flags merged with the root's, which would list them twice.
			fresh := (&cli{getenv: c.getenv}).rootCommand()
			page, err := mcobra.NewManPage(1, fresh)
			if err != nil {
				return err
			}
			page = page.WithSection("Exit status", manExitStatus).
				WithSection("Environment", manEnvironment).
				WithSection("Files", manFiles).
				WithSection("See also", manSeeAlso)
			_, err = fmt.Fprint(cmd.OutOrStdout(), page.Build(roff.NewDocument()))
			return err
		},
	}
}
