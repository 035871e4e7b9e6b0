//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package tuitest

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TIOCGETA
