package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/backend/config"
	"github.com/manacore/opsdeck/backend/drtree"
)

func (c *cli) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Where opsdeck's files are; check a config; its JSON Schema",
	}
	c.group(cmd)
	cmd.AddCommand(
		&cobra.Command{
			Use:   "path",
			Short: "Print where the config, state, audit log, incidents and log file are",
			Args:  c.noArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return c.configPath(cmd.OutOrStdout()) },
		},
		&cobra.Command{
			Use:   "validate [FILE]",
			Short: "Check a config file and list every problem as file:line:col",
			Long: prose(`Check FILE (default: the config opsdeck would load) as opsdeck loads it, and
list every problem in file order, one per line as file:line:col: message, on
stderr (at most 20, then how many more): unknown keys, keys given twice, wrong
types (a quoted "80" or "true" where a number or a boolean belongs), bad
values, references to things not configured, key rebindings the keymap
refuses, and a replacement DR tree that does not load.

Exit status: 0 the config loads; 2 it does not, or there is no file to check.`),
			Args: func(cmd *cobra.Command, args []string) error {
				if len(args) > 1 {
					return c.noArgs(cmd, args[1:])
				}
				return nil
			},
			RunE: func(cmd *cobra.Command, args []string) error {
				file := c.f.config
				if len(args) == 1 {
					file = args[0]
				}
				return c.configValidate(cmd.OutOrStdout(), file)
			},
			ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
			},
		},
		&cobra.Command{
			Use:   "schema",
			Short: "Print the JSON Schema of the config file",
			Long: prose(`Print the JSON Schema of the config file, for editors: a config whose first
line is

  # yaml-language-server: $schema=` + config.SchemaURL + `

gets completion and checking of its keys in any editor with the YAML language
server. The same schema is docs/schema/config.schema.json in the repository.`),
			Args: c.noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				_, err := cmd.OutOrStdout().Write(config.SchemaJSON())
				return err
			},
		},
	)
	return cmd
}

// configPath prints where each of opsdeck's files is. A config that does
// not load still gets its path printed, with the defaults for the rest.
func (c *cli) configPath(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	path, err := config.Locate(c.f.config, c.getenv)
	cfg := config.Default()
	switch {
	case err != nil:
		fmt.Fprintf(tw, "config\t%v\n", err)
	case path == "":
		fmt.Fprintf(tw, "config\tnone found at %s: the console runs the demo fleet\n", xdgPath(c.getenv, "XDG_CONFIG_HOME", ".config", "config.yaml"))
	default:
		if loaded, err := config.Load(path); err == nil {
			cfg = loaded
			fmt.Fprintf(tw, "config\t%s\n", path)
		} else {
			fmt.Fprintf(tw, "config\t%s (does not load: opsdeck config validate)\n", path)
		}
	}
	state := stateDir(cfg, c.getenv)
	fmt.Fprintf(tw, "state\t%s\n", state)
	fmt.Fprintf(tw, "audit log\t%s\n", auditLogPath(cfg, state))
	fmt.Fprintf(tw, "incidents\t%s\n", incidentsDir(state))
	fmt.Fprintf(tw, "log file\t%s\n", or(logFilePath(c.getenv), "none: neither $XDG_STATE_HOME nor $HOME is set"))
	fmt.Fprintf(tw, "serve host key\t%s\n", defaultHostKey(c.getenv))
	fmt.Fprintf(tw, "serve authorized keys\t%s\n", defaultAuthorizedKeys(c.getenv))
	return tw.Flush()
}

// configValidate checks a config as the console would load it and prints
// every problem, or "FILE: ok" with what it holds.
func (c *cli) configValidate(w io.Writer, file string) error {
	path, err := config.Locate(file, c.getenv)
	if err != nil {
		return configError{err}
	}
	if path == "" {
		return configError{errors.New("no config file to check: name one, or set --config or $OPSDECK_CONFIG (without one the console runs the demo fleet)")}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return configError{fmt.Errorf("%s: %w", path, err)}
	}
	cfg, problems := config.Check(path, data)
	var more []error
	if cfg != nil {
		// What the console checks next, before it draws anything.
		if _, err := newKeys(cfg); err != nil {
			more = append(more, err)
		}
		// The hosts commands and restores run on, through the ssh config.
		if len(sshHostRefs(cfg)) > 0 {
			if r, err := newSSHResolver(cfg, c.getenv); err != nil {
				more = append(more, fmt.Errorf("%s: %w", path, err))
			} else {
				_, errs := sshHosts(cfg, r)
				more = append(more, errs...)
			}
		}
		if p := cfg.Actions.DRTree; p != "" {
			if data, err := os.ReadFile(expandHome(p)); err != nil {
				more = append(more, fmt.Errorf("%s: actions.dr_tree: %w", path, err))
			} else if _, err := drtree.Parse(p, data); err != nil {
				more = append(more, err)
			}
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(c.stderr, config.Problems(problems)) // at most config.MaxProblems of them
	}
	for _, err := range more {
		fmt.Fprintln(c.stderr, err)
	}
	if n := len(problems) + len(more); n > 0 {
		fmt.Fprintf(c.stderr, "%s: %d %s\n", path, n, plural(n, "problem", "problems"))
		return exitStatus(exitUsage)
	}
	services := len(cfg.Services())
	_, err = fmt.Fprintf(w, "%s: ok (%d %s, %d %s)\n", path,
		len(cfg.Projects), plural(len(cfg.Projects), "project", "projects"), services, plural(services, "service", "services"))
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
