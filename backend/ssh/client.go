package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	xssh "golang.org/x/crypto/ssh"
)

// Host is an SSH target. Jump, when set, is the bastion the connection to
// Addr is made through (ProxyJump); it may itself have a Jump.
//
// The fields after Jump are what an ssh_config file says of the host
// (backend/sshconfig); they are zero for a host named only by opsdeck's
// own config, which then uses the Client's Config alone.
type Host struct {
	Name string // label for messages; Addr when empty
	Addr string // host:port (":22" is added when the port is missing)
	User string // remote user; the local user when empty
	Jump *Host

	// KnownHosts are the known_hosts files this host's key is checked
	// against, instead of Config.KnownHosts. A missing one is skipped
	// (OpenSSH's default list names known_hosts2, which rarely exists);
	// at least one must exist.
	KnownHosts []string
	// IdentityFiles are private keys tried after the agent and before
	// Config.IdentityFiles. A missing one is skipped, as ssh skips it, and
	// named when authentication fails; one that cannot be read or parsed
	// is an error.
	IdentityFiles []string
	// CertificateFiles are OpenSSH user certificates, offered (before the
	// plain key) with the agent key or identity file they certify. A file
	// "<identity>-cert.pub" beside an identity file is offered too.
	CertificateFiles []string
	// IdentitiesOnly offers agent keys only when they are one of the
	// identity files' keys (OpenSSH's IdentitiesOnly).
	IdentitiesOnly bool
	// HostKeyNote is added to a host key refusal: what the host's
	// ssh_config says that opsdeck does not honour (StrictHostKeyChecking
	// no). Host keys are checked whatever it says.
	HostKeyNote string
}

// Config configures a Client.
type Config struct {
	// KnownHosts is the known_hosts file the key of every host without
	// Host.KnownHosts is checked against. There is no "accept any key"
	// mode: without it such a host is refused.
	KnownHosts string
	// IdentityFiles are private key files, tried after the agent.
	IdentityFiles []string
	// Passphrase is asked for an encrypted key file, only when the server
	// has accepted that key's public half (or, for a key whose public
	// half cannot be read without it, when auth gets to that key). The
	// returned slice is wiped after use. The handshake deadline
	// (DialTimeout) is paused while it runs; the Run's ctx is not. A
	// correct passphrase is asked once per Client. Nil: encrypted keys
	// are skipped, and an auth failure says so.
	Passphrase func(file string) ([]byte, error)
	// UseAgent enables the agent at $SSH_AUTH_SOCK.
	UseAgent bool
	// Getenv reads SSH_AUTH_SOCK; default os.Getenv.
	Getenv func(string) string
	// DialTimeout bounds the TCP connect and, separately, the SSH
	// handshake with auth, per hop. Default 10s.
	DialTimeout time.Duration
	// Keepalive is the interval of keepalive@openssh.com requests; after
	// 3 missed replies the connection is closed. Default 15s; negative
	// disables keepalives.
	Keepalive time.Duration
	// Logf, when set, receives connection events (dial, redial, keepalive
	// close). Never key material.
	Logf func(format string, args ...any)
}

const (
	defaultDialTimeout = 10 * time.Second
	defaultKeepalive   = 15 * time.Second
	keepaliveMaxMissed = 3
)

// Client runs commands on hosts, keeping one connection per host (and per
// jump chain) for reuse. It is safe for concurrent use.
type Client struct {
	cfg   Config
	hosts *hostKeys // Config.KnownHosts; nil when not given
	auth  *authKeys
	ids   *identities // Host.IdentityFiles and CertificateFiles, loaded on first use

	mu     sync.Mutex
	pool   map[string]*poolSlot
	known  map[string]*hostKeys // Host.KnownHosts sets, by key
	closed bool
}

// poolSlot serialises dialling of one pool key, so concurrent Runs on a
// host share one connection instead of racing to open several.
type poolSlot struct {
	mu   sync.Mutex
	conn *conn // nil or dead: dial on next use
}

// NewClient loads known_hosts and the identity files of cfg (the hosts'
// own are loaded when first used). It does no network I/O.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = defaultDialTimeout
	}
	if cfg.Keepalive == 0 {
		cfg.Keepalive = defaultKeepalive
	}
	var hk *hostKeys
	if cfg.KnownHosts != "" {
		var err error
		if hk, err = loadHostKeys(cfg.KnownHosts); err != nil {
			return nil, err
		}
	}
	ak, err := loadKeys(cfg.IdentityFiles, cfg.Passphrase)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, hosts: hk, auth: ak, ids: newIdentities(cfg.Passphrase),
		pool: map[string]*poolSlot{}, known: map[string]*hostKeys{}}, nil
}

// hostKeysFor returns the known_hosts database h is checked against.
func (c *Client) hostKeysFor(h Host) (*hostKeys, error) {
	if len(h.KnownHosts) == 0 {
		if c.hosts == nil {
			return nil, errors.New("no known_hosts file to check its host key against (host keys are always verified)")
		}
		return c.hosts, nil
	}
	k := strings.Join(h.KnownHosts, "\x00")
	c.mu.Lock()
	defer c.mu.Unlock()
	hk := c.known[k]
	if hk == nil {
		hk = &hostKeys{files: h.KnownHosts}
		c.known[k] = hk
	}
	return hk, nil
}

// Close closes all pooled connections. Runs in progress fail.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	slots := c.pool
	c.pool = map[string]*poolSlot{}
	c.mu.Unlock()
	for _, s := range slots {
		s.mu.Lock()
		if s.conn != nil {
			s.conn.close(errors.New("client closed"))
			s.conn = nil
		}
		s.mu.Unlock()
	}
	return nil
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

// normalize fills defaults: port 22 and the local user.
func normalize(h Host) (Host, error) {
	if h.Addr == "" {
		return h, fmt.Errorf("ssh %s: host has no address", h.Name)
	}
	if _, _, err := net.SplitHostPort(h.Addr); err != nil {
		h.Addr = net.JoinHostPort(h.Addr, "22")
	}
	if h.User == "" {
		if u, err := user.Current(); err == nil {
			h.User = u.Username
		}
	}
	if h.User == "" {
		return h, fmt.Errorf("ssh %s: no user given", h.label())
	}
	return h, nil
}

// label names the host in every error: "web1 (deploy@10.0.0.5:22)".
func (h Host) label() string {
	who := h.Addr
	if h.User != "" {
		who = h.User + "@" + h.Addr
	}
	if h.Name == "" || h.Name == h.Addr {
		return who
	}
	return h.Name + " (" + who + ")"
}

// key identifies a pooled connection: the user, address and the chain of
// bastions it is reached through.
func (h Host) key() string {
	k := h.User + "@" + h.Addr
	if len(h.KnownHosts) > 0 {
		// Checked against other files: not the same trust.
		k += " [" + strings.Join(h.KnownHosts, " ") + "]"
	}
	if h.Jump != nil {
		j, _ := normalize(*h.Jump)
		k += " via " + j.key()
	}
	return k
}

// get returns a live pooled connection to h, dialling one if needed.
func (c *Client) get(ctx context.Context, h Host) (*conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, fmt.Errorf("ssh %s: client is closed", h.label())
	}
	k := h.key()
	slot := c.pool[k]
	if slot == nil {
		slot = &poolSlot{}
		c.pool[k] = slot
	}
	c.mu.Unlock()

	slot.mu.Lock()
	defer slot.mu.Unlock()
	if slot.conn != nil && slot.conn.alive() {
		return slot.conn, nil
	}
	cn, err := c.dial(ctx, h)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		cn.close(errors.New("client closed"))
		return nil, fmt.Errorf("ssh %s: client is closed", h.label())
	}
	slot.conn = cn
	return cn, nil
}

// discard forgets cn if it is still the pooled connection for h and
// closes it, so the next get dials afresh.
func (c *Client) discard(h Host, cn *conn, why error) {
	c.mu.Lock()
	slot := c.pool[h.key()]
	c.mu.Unlock()
	if slot != nil {
		slot.mu.Lock()
		if slot.conn == cn {
			slot.conn = nil
		}
		slot.mu.Unlock()
	}
	cn.close(why)
}

// dial opens a verified, authenticated connection to h, through its jump
// host when it has one. The bastion connection is itself pooled.
func (c *Client) dial(ctx context.Context, h Host) (*conn, error) {
	connectCtx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()

	var raw net.Conn
	var err error
	if h.Jump == nil {
		var d net.Dialer
		raw, err = d.DialContext(connectCtx, "tcp", h.Addr)
		if err != nil {
			return nil, fmt.Errorf("ssh %s: connect: %w", h.label(), err)
		}
	} else {
		j, err := normalize(*h.Jump)
		if err != nil {
			return nil, fmt.Errorf("ssh %s: jump host: %w", h.label(), err)
		}
		bastion, err := c.get(ctx, j)
		if err != nil {
			return nil, fmt.Errorf("ssh %s: via jump host: %w", h.label(), err)
		}
		raw, err = bastion.client.DialContext(connectCtx, "tcp", h.Addr)
		if err != nil {
			return nil, fmt.Errorf("ssh %s: connect through jump host %s: %w", h.label(), j.label(), err)
		}
	}

	cn, err := c.handshake(ctx, h, raw)
	if err != nil {
		raw.Close()
		return nil, err
	}
	c.logf("ssh %s: connected", h.label())
	return cn, nil
}

// handshake runs the SSH handshake and auth on raw within DialTimeout,
// paused while a passphrase prompt is open, and within ctx. A channel
// from a jump host supports no deadlines, so expiry closes raw.
func (c *Client) handshake(ctx context.Context, h Host, raw net.Conn) (*conn, error) {
	hk, err := c.hostKeysFor(h)
	if err != nil {
		return nil, fmt.Errorf("ssh %s: %w", h.label(), err)
	}
	check, err := hk.verifier(h.HostKeyNote)
	if err != nil {
		return nil, fmt.Errorf("ssh %s: %w", h.label(), err)
	}
	keys, err := c.keysFor(h)
	if err != nil {
		return nil, fmt.Errorf("ssh %s: %w", h.label(), err)
	}
	auth := keys.session(c.cfg.UseAgent, c.cfg.Getenv)
	defer auth.close()
	cfg := &xssh.ClientConfig{
		User:              h.User,
		Auth:              []xssh.AuthMethod{xssh.PublicKeysCallback(auth.signers)},
		HostKeyCallback:   check.callback,
		HostKeyAlgorithms: check.algorithms(h.Addr),
	}

	type result struct {
		cc    xssh.Conn
		chans <-chan xssh.NewChannel
		reqs  <-chan *xssh.Request
		err   error
	}
	done := make(chan result, 1)
	go func() {
		cc, chans, reqs, err := xssh.NewClientConn(raw, h.Addr, cfg)
		done <- result{cc, chans, reqs, err}
	}()
	timer := time.NewTimer(c.cfg.DialTimeout)
	defer timer.Stop()
	giveUp := func(why error) error {
		raw.Close() // unblocks the handshake goroutine
		<-done
		return fmt.Errorf("ssh %s: handshake: %w", h.label(), why)
	}
	var r result
wait:
	for {
		select {
		case r = <-done:
			break wait
		case on := <-auth.prompting:
			if on {
				timer.Stop()
			} else {
				timer.Reset(c.cfg.DialTimeout)
			}
		case <-timer.C:
			return nil, giveUp(fmt.Errorf("timed out after %s", c.cfg.DialTimeout))
		case <-ctx.Done():
			return nil, giveUp(context.Cause(ctx))
		}
	}
	if r.err != nil {
		if hkErr := check.failure(); hkErr != nil {
			return nil, fmt.Errorf("ssh %s: %w", h.label(), hkErr)
		}
		return nil, fmt.Errorf("ssh %s: %w", h.label(), auth.explain(r.err))
	}
	cn := newConn(h, xssh.NewClient(r.cc, r.chans, r.reqs))
	if c.cfg.Keepalive > 0 {
		go cn.keepalive(c.cfg.Keepalive, keepaliveMaxMissed, c.logf)
	}
	return cn, nil
}

// conn is one pooled SSH connection.
type conn struct {
	host   Host
	client *xssh.Client
	done   chan struct{} // closed when the connection has ended

	mu     sync.Mutex
	reason error // why it ended, when we ended it
}

func newConn(h Host, cl *xssh.Client) *conn {
	cn := &conn{host: h, client: cl, done: make(chan struct{})}
	go func() {
		_ = cl.Wait()
		close(cn.done)
	}()
	return cn
}

// alive is false once the connection has ended, or once we have decided
// to end it: a Run whose session breaks because keepalive closed the
// connection must report the keepalive, even if the Wait goroutine has not
// noticed yet.
func (cn *conn) alive() bool {
	cn.mu.Lock()
	closing := cn.reason != nil
	cn.mu.Unlock()
	if closing {
		return false
	}
	select {
	case <-cn.done:
		return false
	default:
		return true
	}
}

// close ends the connection, remembering the first reason given.
func (cn *conn) close(why error) {
	cn.mu.Lock()
	if cn.reason == nil {
		cn.reason = why
	}
	cn.mu.Unlock()
	_ = cn.client.Close()
}

// lost describes why the connection ended, for errors of Runs on it.
func (cn *conn) lost() error {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if cn.reason != nil {
		return cn.reason
	}
	return errors.New("connection lost")
}
