package main

import (
	"io"
	"os"
	"sync"
)

// heldStderrMax bounds what holdStderr keeps: a panic's stack fits many
// times over; a chatty library cannot grow the console's memory.
const heldStderrMax = 256 << 10

// holdStderr redirects os.Stderr into a pipe while the console owns the
// terminal, and returns the function that puts it back and writes what was
// held to the real stderr. Without it a panic report that Bubble Tea
// prints while recovering lands on the alternate screen and vanishes the
// moment the console leaves it; any other stderr line would scribble over
// a frame. Call release after the terminal is restored.
func holdStderr() (release func()) {
	orig := os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		return func() {} // keep writing where it went
	}
	os.Stderr = w
	var (
		mu        sync.Mutex
		held      []byte
		truncated bool
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			mu.Lock()
			if room := heldStderrMax - len(held); n > room {
				held = append(held, buf[:room]...)
				truncated = true
			} else {
				held = append(held, buf[:n]...)
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			os.Stderr = orig
			_ = w.Close()
			<-done
			_ = r.Close()
			mu.Lock()
			defer mu.Unlock()
			_, _ = orig.Write(held)
			if truncated {
				_, _ = io.WriteString(orig, "opsdeck: (stderr output while the console ran was cut at 256 KiB)\n")
			}
		})
	}
}
