//go:build linux || solaris

package tuitest

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TCGETS
