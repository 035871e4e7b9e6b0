package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/activeterm"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/tui"
)

// Defaults for the limits.
const (
	DefaultMaxSessions = 16
	DefaultIdleTimeout = 30 * time.Minute
	// handshakeTimeout bounds a connection that never finishes logging in.
	handshakeTimeout = 20 * time.Second
)

// Config is what a Server needs.
type Config struct {
	HostKey gossh.Signer
	Keys    *Keyring
	// Options builds the console of a session for its actor. It is called
	// once per session and must return a fresh keymap each time (read-only
	// mode drops bindings from the keymap it is given) and the one shared
	// Hub (sessions only subscribe; the caller runs the poller).
	Options func(backend.Actor) tui.Options
	// MaxSessions caps concurrent sessions; the next one is told so and
	// closed. <= 0 means DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout ends a session that sent no input for this long;
	// < 0 disables it, 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Logf logs connections, refusals and session ends; nil: silent.
	Logf func(format string, args ...any)
}

// Server serves the console over SSH.
type Server struct {
	cfg      Config
	ssh      *ssh.Server
	inflight *inflight

	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool
	handlers sync.WaitGroup // running session handlers; Add only under mu while !closing

	// leaveSyncAlone keeps Bubble Tea's own choice about synchronized
	// output (tests measure what that choice is).
	leaveSyncAlone bool
}

// New builds a server; call Serve or ListenAndServe to run it.
func New(cfg Config) (*Server, error) {
	if cfg.HostKey == nil || cfg.Keys == nil || cfg.Options == nil {
		return nil, errors.New("serve: HostKey, Keys and Options are required")
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{cfg: cfg, inflight: newInflight(), sessions: map[*session]struct{}{}}
	// A bare ssh.Server rather than wish.NewServer: that one writes a host
	// key into the working directory when none is set.
	srv := &ssh.Server{}
	srv.AddHostKey(cfg.HostKey)
	for _, opt := range []ssh.Option{
		// Public keys only: no password or keyboard-interactive handler is
		// set, so the server offers neither.
		wish.WithPublicKeyAuth(s.authorize),
		// Middlewares run last-listed first: activeterm refuses sessions
		// without a pty, then limits admits or refuses, then the program.
		wish.WithMiddleware(bubbletea.MiddlewareWithProgramHandler(s.program), s.limits, activeterm.Middleware()),
	} {
		if err := srv.SetOption(opt); err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
	}
	srv.HandshakeTimeout = handshakeTimeout
	srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		cfg.Logf("connection from %s failed: %v", c.RemoteAddr(), err)
	}
	s.ssh = srv
	return s, nil
}

// Fingerprint is the host key's SHA256 fingerprint, for operators to pin.
func (s *Server) Fingerprint() string { return gossh.FingerprintSHA256(s.cfg.HostKey.PublicKey()) }

// Serve accepts connections on ln until Shutdown; it then returns
// ssh.ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error { return s.ssh.Serve(ln) }

// ListenAndServe listens on addr and serves.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return s.Serve(ln)
}

// authorize accepts a key listed in the authorized-keys file, whatever
// user name the client asked for: the file names the user.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	_, ok := s.cfg.Keys.Lookup(key)
	if !ok {
		s.cfg.Logf("refused key %s (login %q) from %s", gossh.FingerprintSHA256(key), ctx.User(), ctx.RemoteAddr())
	}
	return ok
}

// clientGrace is how long Shutdown waits for clients to hang up after
// their sessions ended.
const clientGrace = 2 * time.Second

// Shutdown stops accepting connections, tells every session goodbye and
// ends its program, then waits, until ctx ends, for the session handlers
// and for actions still executing (whose closing audit entries the
// runner writes before returning). Connections still open after that are
// closed. It returns ctx.Err() when the deadline cut the drain short.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	live := make([]*session, 0, len(s.sessions))
	for se := range s.sessions {
		live = append(live, se)
	}
	s.mu.Unlock()

	closed := make(chan error, 1)
	go func() { closed <- s.ssh.Shutdown(ctx) }() // closes the listeners now
	for _, se := range live {
		se.end("server shutting down, goodbye")
	}
	handlersDone := make(chan struct{})
	go func() { s.handlers.Wait(); close(handlersDone) }()
	var err error
	select {
	case <-handlersDone:
	case <-ctx.Done():
		err = ctx.Err()
	}
	select {
	case <-s.inflight.close():
	case <-ctx.Done():
		err = ctx.Err()
	}
	// Every session has sent its exit status; give the clients a moment
	// to read it and hang up themselves, or OpenSSH reports the reset
	// connection (exit 255) instead of the session's exit 0.
	var serr error
	hungUp := false
	select {
	case serr = <-closed:
		hungUp = true
	case <-time.After(clientGrace):
	case <-ctx.Done():
	}
	cerr := s.ssh.Close() // connections whose clients have not hung up yet
	if !hungUp {
		serr = <-closed
	}
	if err == nil && serr != nil && !errors.Is(serr, context.Canceled) && !errors.Is(serr, context.DeadlineExceeded) {
		err = serr
	}
	if err == nil && cerr != nil && !errors.Is(cerr, ssh.ErrServerClosed) {
		err = cerr
	}
	return err
}
