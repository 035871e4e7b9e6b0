package testbed

import (
	"net"
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
