package ssh

import (
	"bytes"
	"math/rand"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"testing/quick"
)

// alphabet is weighted towards what shells treat specially; invalid UTF-8
// bytes are in too. NUL is not: no argv can carry it.
var alphabet = []string{
	"'", "'", "\"", "\\", "$", "`", ";", "\n", " ", "\t", "*", "?", "[", "]", "~", "!", "#", "&", "|",
	"(", ")", "{", "}", "<", ">", "=", "%", "^", ",", ":", "@", "+", "-", ".", "/", "a", "Z", "9", "_",
	"$(id)", "'\\''", "é", "日本", "\x80", "\xff", "\r", "\x01", "\x7f",
}

type shellString string

func (shellString) Generate(r *rand.Rand, size int) reflect.Value {
	var b strings.Builder
	for n := r.Intn(size + 1); n > 0; n-- {
		b.WriteString(alphabet[r.Intn(len(alphabet))])
	}
	return reflect.ValueOf(shellString(b.String()))
}

// echoThrough runs `printf '%s\0' <quoted words>` in shell sh and returns
// the words it printed.
func echoThrough(t *testing.T, sh string, words []string) []string {
	t.Helper()
	script := `printf '%s\0'`
	for _, w := range words {
		script += " " + Quote(w)
	}
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("%s -c %q: %v", sh, script, err)
	}
	got := strings.Split(string(out), "\x00")
	return got[:len(got)-1]
}

func shells(t *testing.T) []string {
	var found []string
	for _, sh := range []string{"sh", "dash", "bash", "zsh", "ksh", "busybox"} {
		if _, err := exec.LookPath(sh); err == nil {
			found = append(found, sh)
		}
	}
	if len(found) == 0 {
		missing(t, "no POSIX shell found")
	}
	return found
}

// Property: for random strings s, sh -c 'printf %s '<Quote(s)> prints s.
func TestQuoteRoundTripProperty(t *testing.T) {
	// The literal form from the spec, one shell per string.
	check := func(s shellString) bool {
		out, err := exec.Command("sh", "-c", "printf %s "+Quote(string(s))).Output()
		return err == nil && bytes.Equal(out, []byte(s))
	}
	cfg := &quick.Config{MaxCount: 200, Rand: rand.New(rand.NewSource(1))}
	if err := quick.Check(check, cfg); err != nil {
		t.Fatal(err)
	}
	// Many more, batched, in every shell present.
	r := rand.New(rand.NewSource(2))
	for _, sh := range shells(t) {
		if sh == "busybox" {
			continue
		}
		for batch := 0; batch < 10; batch++ {
			words := make([]string, 200)
			for i := range words {
				words[i] = string(shellString("").Generate(r, 40).Interface().(shellString))
			}
			got := echoThrough(t, sh, words)
			if !reflect.DeepEqual(got, words) {
				for i := range words {
					if i >= len(got) || got[i] != words[i] {
						t.Fatalf("%s: word %d: Quote(%q) = %s came back as %q", sh, i, words[i], Quote(words[i]), got[i:])
					}
				}
			}
		}
	}
}

func TestQuoteExamples(t *testing.T) {
	for in, want := range map[string]string{
		"":            "''",
		"it's":        `'it'\''s'`,
		"plain-1.2/x": "plain-1.2/x",
		"a b":         "'a b'",
		"FOO=bar":     "'FOO=bar'", // would be an assignment as the first word
		"~root":       "'~root'",   // would expand
		"$(reboot)":   "'$(reboot)'",
		"''":          `''\'''\'''`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := QuoteArgv([]string{"echo", "it's", "a b"}); got != `echo 'it'\''s' 'a b'` {
		t.Errorf("QuoteArgv = %s", got)
	}
}

// The wrapper must stay free of syntax errors in every local shell.
func TestWrapperParses(t *testing.T) {
	for _, sh := range shells(t) {
		if sh == "busybox" {
			continue
		}
		if out, err := exec.Command(sh, "-n", "-c", wrapper).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v: %s", sh, err, out)
		}
	}
}
