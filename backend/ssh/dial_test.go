package ssh

import (
	"bufio"
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"
)

// TestDialRemoteUnixSocket reaches a unix socket "on the remote host" (the
// local sshd, so a local listener) through the verified SSH connection, as
// a Docker engine at ssh://host is reached.
func TestDialRemoteUnixSocket(t *testing.T) {
	b := need(t)
	sock := filepath.Join(t.TempDir(), "echo.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		line, _ := bufio.NewReader(c).ReadString('\n')
		_, _ = c.Write([]byte("echo: " + line))
	}()

	cl := b.client(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := cl.Dial(ctx, b.hostA(), "unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	got, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || got != "echo: ping\n" {
		t.Fatalf("got %q, %v", got, err)
	}

	if _, err := cl.Dial(ctx, b.hostA(), "unix", filepath.Join(t.TempDir(), "absent.sock")); err == nil {
		t.Fatal("dialling a missing socket succeeded")
	}
}
