package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/views/theme"
)

// cli is one run of the command line: where it writes, the environment it
// reads, the flags every command shares, and what they set up (profiles)
// until the run ends.
type cli struct {
	stdout, stderr io.Writer
	getenv         func(string) string

	f          flags
	logLevel   string
	level      slog.Level // parsed from logLevel before any command runs
	cpuProfile string
	memProfile string
	closers    []func()
}

func (c *cli) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
}

const rootLong = `opsdeck is a keyboard-driven terminal console for on-call engineers: which
services of the fleet are healthy, their latency against target, firing
alerts, database pools and external dependencies, each panel saying how fresh
its data is and which source failed; and the incident actions (restart,
rollback, restore, blue/green cutover) with a disaster-recovery wizard.

Without a command it opens the console. Without a config it opens the Docker
engine the docker CLI would use, and where none answers the built-in simulated
fleet, marked DEMO; opsdeck init writes a config from what it finds. The
config is --config, else $OPSDECK_CONFIG, else
$XDG_CONFIG_HOME/opsdeck/config.yaml.

Exit status of status and check: 0 healthy, 1 degraded or firing, 2 usage or
config error, 3 a source could not be reached (the picture is incomplete).`

const rootExamples = `# the console on the demo fleet
opsdeck
# the console on your fleet, acting on nothing
opsdeck --config ~/fleet.yaml --read-only
# from cron: the fleet as JSON, the exit status says what is wrong
opsdeck status --json
opsdeck config validate ~/fleet.yaml`

// rootCommand is the command tree.
func (c *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:     "opsdeck",
		Short:   "A terminal operations console for on-call engineers",
		Long:    prose(rootLong),
		Example: rootExamples,
		Args:    c.noArgs,
		RunE:    c.runConsole,
		// Each command says what went wrong itself (errorHandler); usage
		// text after an error only buries it.
		SilenceUsage: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return c.setup()
		},
	}
	root.SetVersionTemplate("opsdeck {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{cmd: cmd.CommandPath(), msg: err.Error()}
	})

	pf := root.PersistentFlags()
	pf.StringVar(&c.f.config, "config", "", "config file (env OPSDECK_CONFIG; default $XDG_CONFIG_HOME/opsdeck/config.yaml, else the Docker engine the docker CLI would use, else the demo fleet)")
	pf.BoolVar(&c.f.demo, "demo", false, "the embedded demo fleet, even where a config or a Docker engine would be found (env OPSDECK_DEMO, any value; --config outranks the env)")
	pf.Int64Var(&c.f.seed, "seed", 0, "simulator seed (overrides sources.simulator.seed)")
	pf.StringVar(&c.f.clock, "clock", "", "freeze the clock at this RFC 3339 time (reproducible demo screens)")
	pf.StringVar(&c.logLevel, "log-level", or(c.getenv("OPSDECK_LOG_LEVEL"), "info"), "log level: debug, info, warn or error; debug logs every fetch and its timing (env OPSDECK_LOG_LEVEL)")
	pf.StringVar(&c.cpuProfile, "cpuprofile", c.getenv(envCPUProfile), "write a pprof CPU profile of the run to this file (env "+envCPUProfile+")")
	pf.StringVar(&c.memProfile, "memprofile", c.getenv(envMemProfile), "write a pprof heap profile at exit to this file (env "+envMemProfile+")")
	_ = root.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions(logLevels(), cobra.ShellCompDirectiveNoFileComp))
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")

	lf := root.Flags()
	lf.BoolVar(&c.f.readOnly, "read-only", false, "hide and refuse every action on the fleet")
	lf.BoolVar(&c.f.noColor, "no-color", false, "no colours (env NO_COLOR, any value)")
	c.themeFlag(root)

	root.AddCommand(c.statusCommand(), c.checkCommand(), c.serveCommand(), c.configCommand(), c.initCommand(),
		c.versionCommand(), c.manCommand())
	root.SetHelpCommand(c.helpCommand())
	// Made now rather than when cobra runs, so that it answers a stray
	// argument like every other command.
	root.InitDefaultCompletionCmd()
	for _, sub := range root.Commands() {
		if sub.Name() == "completion" {
			c.group(sub)
		}
	}
	return root
}

// themeFlag adds --theme to a command that draws consoles (the console,
// serve's sessions).
func (c *cli) themeFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.f.theme, "theme", c.getenv(envTheme), "colours: auto (the terminal's background picks dark or light), dark, light, high-contrast, or a palette file (env "+envTheme+"; default the config's theme:, else auto; NO_COLOR wins)")
	_ = cmd.RegisterFlagCompletionFunc("theme", cobra.FixedCompletions(theme.Builtins(), cobra.ShellCompDirectiveDefault))
}

// setup runs before every command: it checks --log-level and starts the
// profiles asked for (stopped when the run ends).
func (c *cli) setup() error {
	level, err := parseLogLevel(c.logLevel)
	if err != nil {
		return err
	}
	c.level = level
	stop, err := startProfiles(c.cpuProfile, c.memProfile)
	if err != nil {
		return err
	}
	c.closers = append(c.closers, stop)
	return nil
}

// stderrLog is the logger of the one-shot commands (status, check,
// config): stderr only, since they never touch the state directory, and
// the sources' fetches at debug level.
func (c *cli) stderrLog() *slog.Logger { return slog.New(logHandler(c.stderr, c.level)) }

// fileLog opens opsdeck.log for a long-running command. If it cannot be
// opened the command still runs, without a log, and says so on stderr.
func (c *cli) fileLog() (*slog.Logger, slog.Handler) {
	path := logFilePath(c.getenv)
	if path == "" {
		return slog.New(slog.DiscardHandler), slog.DiscardHandler
	}
	f, err := openLogFile(path, logFileMax)
	if err != nil {
		fmt.Fprintf(c.stderr, "opsdeck: no log file: %v\n", err)
		return slog.New(slog.DiscardHandler), slog.DiscardHandler
	}
	c.closers = append(c.closers, func() { _ = f.Close() })
	// Every opsdeck of the user writes here: the pid says whose line it is.
	h := logHandler(f, c.level).WithAttrs([]slog.Attr{slog.Int("pid", os.Getpid())})
	return slog.New(h), h
}

// noArgs refuses any argument: for a command with subcommands it is an
// unknown one, with the nearest name if one is near.
func (c *cli) noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasAvailableSubCommands() {
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2 // cobra's own default, set only where it suggests itself
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf(" — did you mean %q?", s[0])
		}
		return usageError{cmd: cmd.CommandPath(), msg: msg}
	}
	return usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))}
}

// group makes a command that only holds subcommands (config, completion)
// answer an unknown one as an error; alone it prints its help.
func (c *cli) group(cmd *cobra.Command) {
	cmd.Args = c.noArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}

// helpCommand is `opsdeck help [command]`: cobra's prints the top help for
// a topic it does not know, and exits 0.
func (c *cli) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err == nil && len(rest) > 0 {
				err = c.noArgs(target, rest)
			}
			if err != nil {
				return err
			}
			// What --help would have set up: the help flag and the flags
			// inherited from the root, which help lists.
			target.InitDefaultHelpFlag()
			_ = target.InheritedFlags()
			return target.Help()
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, err := cmd.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

func (c *cli) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version (as --version does)",
		Args:  c.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "opsdeck %s\n", cmd.Root().Version)
			return err
		},
	}
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// prose turns a help text written with line breaks for the source into
// paragraphs without them: fang wraps help to the terminal's width, and a
// man page makes each line a paragraph. Blank lines separate paragraphs;
// an indented line (an example) keeps its own line.
func prose(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		var b strings.Builder
		for i, line := range strings.Split(p, "\n") {
			switch {
			case i == 0:
			case strings.HasPrefix(line, "  "), strings.HasPrefix(strings.Split(p, "\n")[i-1], "  "):
				b.WriteString("\n")
			default:
				b.WriteString(" ")
			}
			b.WriteString(line)
		}
		paras = append(paras, b.String())
	}
	return strings.Join(paras, "\n\n")
}
