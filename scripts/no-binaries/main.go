// Command no-binaries fails when git tracks a built binary: an
// executable or object file (ELF, Mach-O, PE, a Go archive) or any file
// over 2 MiB, which is a build output or a data dump, not source. `make
// lint` runs it on the checkout it is started in, so CI and the
// before-commit checks refuse what slipped past .gitignore (a 27 MB
// `opsdeck` was once committed at the top).
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// maxTracked is the size past which a tracked file is refused.
const maxTracked = 2 << 20

func main() {
	bad, err := check(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "no-binaries:", err)
		os.Exit(2)
	}
	for _, b := range bad {
		fmt.Fprintln(os.Stderr, "no-binaries:", b)
	}
	if len(bad) > 0 {
		fmt.Fprintln(os.Stderr, "no-binaries: remove them with git rm --cached and add them to .gitignore")
		os.Exit(1)
	}
}

// check lists the tracked files of the repository at dir that must not be
// tracked, each with the reason.
func check(dir string) ([]string, error) {
	top, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return nil, fmt.Errorf("not a git checkout: %w", err)
	}
	root := strings.TrimSpace(string(top))
	list, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		if name == "" {
			continue
		}
		why, err := judge(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		if why != "" {
			bad = append(bad, name+": "+why)
		}
	}
	return bad, nil
}

// judge says why a file must not be tracked, "" if it may be.
func judge(path string) (string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return "", nil // deleted in the work tree; git status shows it
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() { // a submodule
		return "", err
	}
	head := make([]byte, 8)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	head = head[:n]
	for _, m := range []struct {
		magic []byte
		what  string
	}{
		{[]byte("\x7fELF"), "an ELF executable or object"},
		{[]byte{0xcf, 0xfa, 0xed, 0xfe}, "a Mach-O executable"},
		{[]byte{0xce, 0xfa, 0xed, 0xfe}, "a Mach-O executable"},
		{[]byte{0xca, 0xfe, 0xba, 0xbe}, "a Mach-O universal binary"},
		{[]byte("MZ"), "a Windows executable"},
		{[]byte("!<arch>\n"), "an object archive"},
	} {
		if bytes.HasPrefix(head, m.magic) {
			return m.what, nil
		}
	}
	if st.Size() > maxTracked {
		return fmt.Sprintf("%.1f MiB, over the %d MiB a source file may have", float64(st.Size())/(1<<20), maxTracked>>20), nil
	}
	return "", nil
}
