package backend

import (
	"fmt"
	"path"
	"strings"
)

// Remote paths (dump files, the directories holding them) go into command
// lines on other hosts. They are shell-quoted anyway; on top of that each
// element is held to a plain alphabet, so that nothing a shell, find or an
// option parser reads specially can be smuggled in by a file name.

// pathChars are the characters a path element may hold.
const pathChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:+@-"

// maxElement is the longest name most file systems take.
const maxElement = 255

// PathElementProblem says what is wrong with one element of a remote
// path, "" when nothing: only letters, digits and _ . : + @ -, not
// starting with '-' (an option). A directory may start with '.' (hidden:
// ~/.cache, /home/ops/.backups); a file may not (hidden files are not
// dumps). "." and ".." are never elements of a clean path.
func PathElementProblem(el string, dir bool) string {
	switch {
	case el == "":
		return "is empty"
	case el == "." || el == "..":
		return "is " + el
	case len(el) > maxElement:
		return fmt.Sprintf("is longer than %d bytes", maxElement)
	case el[0] == '-':
		return "starts with '-', which a program would read as an option"
	case el[0] == '.' && !dir:
		return "starts with '.': a hidden file is not offered"
	}
	if i := strings.IndexFunc(el, func(r rune) bool { return !strings.ContainsRune(pathChars, r) }); i >= 0 {
		return fmt.Sprintf("holds %q; only letters, digits and _ . : + @ - are allowed", []rune(el[i:])[0])
	}
	return ""
}

// RemotePathProblem says what is wrong with a remote path, "" when
// nothing: absolute and clean (no "..", "//" or trailing '/'), each
// directory and, when file, the last element a plain name.
func RemotePathProblem(p string, file bool) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return "is not absolute"
	case p == "/":
		if file {
			return "is the root directory"
		}
		return ""
	case path.Clean(p) != p:
		return fmt.Sprintf("is not clean (it reads %s)", path.Clean(p))
	}
	els := strings.Split(p[1:], "/")
	for i, el := range els {
		if why := PathElementProblem(el, !file || i < len(els)-1); why != "" {
			return fmt.Sprintf("element %q %s", el, why)
		}
	}
	return ""
}
