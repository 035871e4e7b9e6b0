package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"syscall"
	"time"

	"charm.land/ssh"
	"github.com/spf13/cobra"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/tui"
	"github.com/manacore/opsdeck/tui/serve"
)

// drainTimeout bounds the goodbye on SIGTERM/SIGINT: sessions end and
// running actions finish (their audit entries written) within it.
const drainTimeout = 30 * time.Second

type serveFlags struct {
	listen, hostKey, authorizedKeys string
	maxSessions                     int
	idleTimeout                     time.Duration
}

const serveLong = `Serve the console over SSH: one session per login, public-key auth only, all
sessions sharing one poller. Each line of the authorized-keys file is
  <viewer|operator> <user> <public key line, as in ~/.ssh/authorized_keys>
(# comments and blank lines allowed). Viewers see everything and can act on
nothing. The host key (ed25519) is generated on first start; its fingerprint
is printed so users can pin it. SIGTERM or SIGINT says goodbye to every
session and drains within 30s.

Sessions opening and ending (user, role, key fingerprint, address) and every
refusal are logged to stderr and to the log file.

Exit status: 0 after a clean shutdown, 1 when the server failed or the drain
was cut short, 2 for bad flags, config or keys.`

func (c *cli) serveCommand() *cobra.Command {
	sf := serveFlags{
		listen:         "127.0.0.1:2222",
		hostKey:        defaultHostKey(c.getenv),
		authorizedKeys: defaultAuthorizedKeys(c.getenv),
		maxSessions:    serve.DefaultMaxSessions,
		idleTimeout:    serve.DefaultIdleTimeout,
	}
	cmd := &cobra.Command{
		Use:     "serve",
		Short:   "Serve the console over SSH to your team",
		Long:    prose(serveLong),
		Example: "opsdeck serve --listen 0.0.0.0:2222\nssh -p 2222 alice@bastion",
		Args:    c.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if sf.maxSessions < 1 {
				return usageError{cmd: cmd.CommandPath(), msg: "--max-sessions must be at least 1"}
			}
			if sf.idleTimeout < 0 { // 0 is "never"; a negative one meant the same without saying so
				return usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf("--idle-timeout %v: must be 0 (never) or more", sf.idleTimeout)}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			return c.serveUntil(ctx, sf)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&sf.listen, "listen", sf.listen, "address to listen on (host:port)")
	fl.StringVar(&sf.hostKey, "host-key", sf.hostKey, "host key file (generated on first start, must be mode 0600)")
	fl.StringVar(&sf.authorizedKeys, "authorized-keys", sf.authorizedKeys, "who may log in: lines of <role> <user> <public key>")
	fl.IntVar(&sf.maxSessions, "max-sessions", sf.maxSessions, "concurrent sessions; the next one is refused")
	fl.DurationVar(&sf.idleTimeout, "idle-timeout", sf.idleTimeout, "end a session without input for this long (0: never)")
	c.themeFlag(cmd)
	return cmd
}

// serveUntil runs the server until ctx ends (a signal), then drains. What
// it prints for people (the host key's fingerprint, where it listens) goes
// to stdout; its log, to stderr and the log file.
func (c *cli) serveUntil(ctx context.Context, sf serveFlags) error {
	keys, err := serve.LoadAuthorizedKeys(sf.authorizedKeys)
	if err == nil && keys.Len() == 0 {
		err = fmt.Errorf("%s: no keys: nobody could log in", sf.authorizedKeys)
	}
	if err != nil {
		return configError{err}
	}
	hostKey, created, err := serve.LoadOrCreateHostKey(sf.hostKey)
	if err != nil {
		return configError{err}
	}
	_, fileHandler := c.fileLog()
	log := slog.New(slog.NewMultiHandler(logHandler(c.stderr, c.level), fileHandler)).With("cmd", "serve")
	f := c.f
	f.log = log
	a, err := build(f, c.getenv)
	if err != nil {
		return configError{err}
	}
	defer a.close()
	if err := a.enableActions(c.getenv); err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	for _, p := range a.interrupted { // the incident's timeline has them too
		log.Warn("action interrupted", "kind", p.Before.Kind, "target", p.Before.Target, "user", p.Before.User, "id", p.Before.ID)
	}

	idle := sf.idleTimeout
	if idle == 0 {
		idle = -1 // serve.Config: < 0 disables
	}
	srv, err := serve.New(serve.Config{
		HostKey: hostKey, Keys: keys, Options: a.optionsFor,
		MaxSessions: sf.maxSessions, IdleTimeout: idle, Logf: serveEvent(log),
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", sf.listen)
	if err != nil {
		return err
	}
	state := "existing"
	if created {
		state = "generated now"
	}
	fmt.Fprintf(c.stdout, "opsdeck serve: host key %s (%s, %s)\n", srv.Fingerprint(), sf.hostKey, state)
	fmt.Fprintf(c.stdout, "opsdeck serve: listening on %s, %d authorized keys from %s\n", ln.Addr(), keys.Len(), sf.authorizedKeys)
	log.Info("serve start", "listen", ln.Addr().String(), "fingerprint", srv.Fingerprint(), "keys", keys.Len(), "config", a.cfg.File)

	// One poller for every session: sessions only subscribe. It keeps
	// running past the signal, until the sessions have drained.
	pollCtx, stopPolling := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPolling()
	a.start(pollCtx)
	go a.poller.Run(pollCtx)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		log.Error("serve failed", "err", err)
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(c.stdout, "opsdeck serve: shutting down")
	log.Info("serve shutting down")
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(dctx); err != nil {
		log.Error("drain cut short", "after", drainTimeout, "err", err)
		return fmt.Errorf("drain cut short after %s: %w", drainTimeout, err)
	}
	if err := <-served; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		log.Warn("serve ended", "err", err)
	}
	fmt.Fprintln(c.stdout, "opsdeck serve: stopped")
	log.Info("serve stopped")
	return nil
}

// optionsFor is the console of one SSH session: the app's options (shared
// hub, checker, logs, ranges, actions) with a keymap of its own and the
// session's actor. The server enforces read-only mode for viewers.
func (a *app) optionsFor(actor backend.Actor) tui.Options {
	o := a.ui
	keys, err := newKeys(a.cfg)
	if err != nil {
		// build already built a keymap from this very config.
		panic("opsdeck serve: keymap: " + err.Error())
	}
	o.Keys, o.Actor = keys, actor
	return o
}
