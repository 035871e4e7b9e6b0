package ssh

import (
	"os/exec"
	"strings"
	"testing"
)

// FuzzRemoteCommandInjection runs the exact string opsdeck sends in the
// SSH "exec" request (wrapper and quoted argv) through a local sh: the
// command must receive every word exactly as given, whatever quotes,
// substitutions, globs, newlines or escapes it holds, and nothing else
// may run. The printf prints each argument NUL-terminated.
func FuzzRemoteCommandInjection(f *testing.F) {
	for _, w := range []string{
		"chat-backend", "it's", `"; touch /tmp/pwned; "`, "$(id)", "`id`", "${HOME}", "*", "~root",
		"a\nb; id", "-n", "--", "x\x1b[2J", "'\\''", "FOO=bar", "&& reboot", "| cat /etc/shadow", "$0 $@ $1",
	} {
		f.Add(w, "second word")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if strings.ContainsRune(a+b, 0) {
			return // argv words cannot hold NUL on any system
		}
		argv := []string{"printf", `%s\0`, a, b}
		cmd := exec.Command("sh", "-c", remoteCommand(argv))
		// The watchdog ends the command when stdin closes: keep it open.
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("argv %q: %v", argv, err)
		}
		if want := a + "\x00" + b + "\x00"; string(out) != want {
			t.Fatalf("argv %q: command got %q, want %q", argv, out, want)
		}
	})
}
