package backend

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintableShowsWhatItDefuses(t *testing.T) {
	for in, want := range map[string]string{
		"chat-backend":                           "chat-backend",
		"\x1b[31mred\x1b[0m \x1b[1;38;2;1;2;3mx": "red x",            // colour: dropped
		"a\x1b[2Jb":                              "a␛[2Jb",           // clear screen: shown
		"\x1b]52;c;cHduZWQ=\x07":                 "␛]52;c;cHduZWQ=␇", // clipboard write
		"\x1b]8;;http://x\x1b\\l":                "␛]8;;http://x␛\\l",
		"c1\u009b31m":                            "c1␛31m",
		"over\rwrite\b":                          "over␍write␈",
		"tab\tend\n":                             "tab end␊",
		"bidi\u202etxt":                          "bidi\ufffdtxt",
		"bad\xffutf8":                            "bad\ufffdutf8",
		"\x1b[31":                                "␛[31",   // unterminated: not SGR
		"\x1b[?25l":                              "␛[?25l", // private mode: not SGR
		"日本語 ✔":                                  "日本語 ✔",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPrintable: whatever the input, the output is valid UTF-8 with no
// control character, C1 control or bidi control, keeps every printable
// rune of the input in order, and is a fixed point.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J\x1b]0;t\x07", "\x1b[31mred\x1b[0m", "\u009b1m\u202e", "\xff\xfe", "\x1b[" + strings.Repeat("1;", 40) + "m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Printable(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("Printable(%q) = %q keeps %U", s, got, r)
			}
		}
		if again := Printable(got); again != got {
			t.Fatalf("not a fixed point: %q → %q", got, again)
		}
		if len(got) > 3*len(s) {
			t.Fatalf("output %d bytes for %d input", len(got), len(s))
		}
		// Readability: printable ASCII outside SGR sequences survives in order.
		var want strings.Builder
		for i := 0; i < len(s); {
			if n := sgrLen(s[i:]); n > 0 {
				i += n
				continue
			}
			if c := s[i]; c >= 0x21 && c < 0x7f {
				want.WriteByte(c)
			}
			i++
		}
		var kept strings.Builder
		for i := 0; i < len(got); i++ {
			if c := got[i]; c >= 0x21 && c < 0x7f {
				kept.WriteByte(c)
			}
		}
		if kept.String() != want.String() {
			t.Fatalf("Printable(%q) = %q lost text: %q vs %q", s, got, kept.String(), want.String())
		}
	})
}
