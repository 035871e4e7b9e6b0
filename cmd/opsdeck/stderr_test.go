package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// What goes to os.Stderr while the console runs is held, and written to
// the real stderr, in order and whole up to the bound, when released.
func TestHoldStderr(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	real := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = real }()
	got := make(chan string, 1)
	go func() { out, _ := readAll(r); got <- out }()

	release := holdStderr()
	fmt.Fprint(os.Stderr, "Caught panic:\r\n\r\nboom\r\n")
	fmt.Fprint(os.Stderr, strings.Repeat("x", heldStderrMax)) // over the bound
	release()
	release() // a second release is harmless
	if os.Stderr != w {
		t.Fatal("os.Stderr not put back")
	}
	w.Close()
	out := <-got
	if !strings.HasPrefix(out, "Caught panic:\r\n\r\nboom\r\n") {
		t.Fatalf("held output starts %q", out[:min(len(out), 40)])
	}
	if !strings.HasSuffix(out, "cut at 256 KiB)\n") || len(out) > heldStderrMax+100 {
		t.Fatalf("bound: %d bytes, ends %q", len(out), out[max(0, len(out)-40):])
	}
}

func readAll(f *os.File) (string, error) {
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String(), err
		}
	}
}
