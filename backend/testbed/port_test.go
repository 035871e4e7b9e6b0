package testbed

import (
	"net"
	"strconv"
	"testing"
	"time"
)

func TestFreePortCanBeListenedOn(t *testing.T) {
	port := FreePort(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("port %d: %v", port, err)
	}
	l.Close()
}

func TestFreeAddrRefusesConnections(t *testing.T) {
	addr := FreeAddr(t)
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		t.Fatalf("addr %q (%v)", addr, err)
	}
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("something listens on %s", addr)
	}
}
