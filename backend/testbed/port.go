package testbed

import (
	"net"
	"strconv"
	"testing"
)

// LoopbackPort returns a TCP port on 127.0.0.1 that was free a moment ago.
// Another process may take it before the caller listens on it: a caller
// that cannot tolerate that retries with another port.
func LoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// FreePort is LoopbackPort for a test: it fails the test when no port can
// be had.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := LoopbackPort()
	if err != nil {
		t.Fatalf("free loopback port: %v", err)
	}
	return port
}

// FreeAddr is FreePort as host:port on 127.0.0.1: an address nothing
// listens on, for a test of a refused connection or for a server to take.
func FreeAddr(t testing.TB) string {
	t.Helper()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
}
