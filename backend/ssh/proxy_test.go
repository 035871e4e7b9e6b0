package ssh

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// proxy is a TCP forwarder in front of an sshd that counts connections,
// can black-hole traffic (a peer that silently stops answering, with no
// TCP reset) and can cut every connection (a network drop).
type proxy struct {
	ln      net.Listener
	target  string
	accepts atomic.Int32
	paused  atomic.Bool

	mu     sync.Mutex
	conns  []net.Conn
	closed chan struct{} // one value per client connection that ended
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, closed: make(chan struct{}, 100)}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepts.Add(1)
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() {
			p.pipe(s, c) // returns when the client side ends
			p.closed <- struct{}{}
		}()
		go p.pipe(c, s)
	}
}

// pipe copies src to dst. While paused it swallows the data, a black
// hole: the peer never answers, yet a close by src is still noticed.
func (p *proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.paused.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err == io.EOF {
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
			}
			return
		}
	}
}

// cut closes every connection, both sides, as a network drop would.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
