package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"charm.land/ssh"

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

const serveUsage = `usage: opsdeck serve [--listen 127.0.0.1:2222] [--host-key PATH] [--authorized-keys PATH] [flags]

Serve the console over SSH: one session per login, public-key auth only,
all sessions sharing one poller. Each line of the authorized-keys file is
  <viewer|operator> <user> <public key line, as in ~/.ssh/authorized_keys>
(# comments and blank lines allowed). Viewers see everything and can act on
nothing. The host key (ed25519) is generated on first start; its
fingerprint is printed so users can pin it. SIGTERM or SIGINT says goodbye
to every session and drains within 30s.

Defaults: --host-key $XDG_STATE_HOME/opsdeck/ssh_host_ed25519_key
(~/.local/state when unset), --authorized-keys
$XDG_CONFIG_HOME/opsdeck/authorized_keys (~/.config when unset).`

// runServe is `opsdeck serve`. Exit 0 after a clean shutdown, 1 when the
// server failed or the drain was cut short, 2 for bad flags, config, keys.
func runServe(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return serveUntil(ctx, args, stdout, stderr, getenv)
}

func parseServeFlags(args []string, stderr io.Writer, getenv func(string) string) (flags, serveFlags, error) {
	var f flags
	sf := serveFlags{
		listen:         "127.0.0.1:2222",
		hostKey:        xdgPath(getenv, "XDG_STATE_HOME", ".local/state", "ssh_host_ed25519_key"),
		authorizedKeys: xdgPath(getenv, "XDG_CONFIG_HOME", ".config", "authorized_keys"),
		maxSessions:    serve.DefaultMaxSessions,
		idleTimeout:    serve.DefaultIdleTimeout,
	}
	fs := flag.NewFlagSet("opsdeck serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	commonFlags(fs, &f)
	fs.StringVar(&sf.listen, "listen", sf.listen, "address to listen on (host:port)")
	fs.StringVar(&sf.hostKey, "host-key", sf.hostKey, "host key file (generated on first start, must be mode 0600)")
	fs.StringVar(&sf.authorizedKeys, "authorized-keys", sf.authorizedKeys, "who may log in: lines of <role> <user> <public key>")
	fs.IntVar(&sf.maxSessions, "max-sessions", sf.maxSessions, "concurrent sessions; the next one is refused")
	fs.DurationVar(&sf.idleTimeout, "idle-timeout", sf.idleTimeout, "end a session without input for this long (0: never)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nflags:\n", serveUsage)
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintln(stderr, "opsdeck serve:", err)
	}
	if err == nil && sf.maxSessions < 1 {
		err = errors.New("--max-sessions must be at least 1")
		fmt.Fprintln(stderr, "opsdeck serve:", err)
	}
	return f, sf, err
}

// xdgPath is $<env>/opsdeck/<name>, or $HOME/<fallback>/opsdeck/<name>
// when the variable is unset or relative (as the XDG spec says).
func xdgPath(getenv func(string) string, env, fallback, name string) string {
	dir := getenv(env)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(getenv("HOME"), fallback)
	}
	return filepath.Join(dir, "opsdeck", name)
}

// serveUntil runs the server until ctx ends (a signal), then drains.
func serveUntil(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	f, sf, err := parseServeFlags(args, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return exitUsage
	}
	keys, err := serve.LoadAuthorizedKeys(sf.authorizedKeys)
	if err == nil && keys.Len() == 0 {
		err = fmt.Errorf("%s: no keys: nobody could log in", sf.authorizedKeys)
	}
	if err != nil {
		fmt.Fprintln(stderr, "opsdeck serve:", err)
		return exitUsage
	}
	hostKey, created, err := serve.LoadOrCreateHostKey(sf.hostKey)
	if err != nil {
		fmt.Fprintln(stderr, "opsdeck serve:", err)
		return exitUsage
	}
	a, err := build(f, getenv)
	if err != nil {
		return reportBuildError(stderr, err)
	}
	defer a.close()
	if err := a.enableActions(getenv); err != nil {
		fmt.Fprintln(stderr, "opsdeck serve: actions:", err)
		return 1
	}

	logger := log.New(stderr, "opsdeck serve: ", log.LstdFlags)
	idle := sf.idleTimeout
	if idle == 0 {
		idle = -1 // serve.Config: < 0 disables
	}
	srv, err := serve.New(serve.Config{
		HostKey: hostKey, Keys: keys, Options: a.optionsFor,
		MaxSessions: sf.maxSessions, IdleTimeout: idle, Logf: logger.Printf,
	})
	if err != nil {
		fmt.Fprintln(stderr, "opsdeck serve:", err)
		return 1
	}
	ln, err := net.Listen("tcp", sf.listen)
	if err != nil {
		fmt.Fprintln(stderr, "opsdeck serve:", err)
		return 1
	}
	state := "existing"
	if created {
		state = "generated now"
	}
	fmt.Fprintf(stdout, "opsdeck serve: host key %s (%s, %s)\n", srv.Fingerprint(), sf.hostKey, state)
	fmt.Fprintf(stdout, "opsdeck serve: listening on %s, %d authorized keys from %s\n", ln.Addr(), keys.Len(), sf.authorizedKeys)

	// One poller for every session: sessions only subscribe.
	pollCtx, stopPolling := context.WithCancel(context.Background())
	defer stopPolling()
	a.start(pollCtx)
	go a.poller.Run(pollCtx)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintln(stderr, "opsdeck serve:", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "opsdeck serve: shutting down")
	dctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(dctx); err != nil {
		fmt.Fprintf(stderr, "opsdeck serve: drain cut short after %s: %v\n", drainTimeout, err)
		return 1
	}
	if err := <-served; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		fmt.Fprintln(stderr, "opsdeck serve:", err)
	}
	fmt.Fprintln(stdout, "opsdeck serve: stopped")
	return 0
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
