package ssh

import (
	"context"
	"fmt"
	"net"
)

// Dial opens a connection from the remote host h to addr ("unix" with a
// socket path, or "tcp" with host:port) over the pooled, host-key-checked
// SSH connection. It is how opsdeck reaches a Docker engine at
// ssh://user@host without the ssh binary: the remote /var/run/docker.sock
// through direct-streamlocal (the server must allow stream-local
// forwarding, OpenSSH's default).
func (c *Client) Dial(ctx context.Context, h Host, network, addr string) (net.Conn, error) {
	h, err := normalize(h)
	if err != nil {
		return nil, err
	}
	cn, err := c.get(ctx, h)
	if err != nil {
		return nil, err
	}
	conn, err := cn.client.DialContext(ctx, network, addr)
	if err != nil {
		if !cn.alive() {
			c.discard(h, cn, err)
		}
		return nil, fmt.Errorf("ssh %s: open %s %s: %w", h.label(), network, addr, err)
	}
	return conn, nil
}
