package tuitest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// TerminalUnsafe parses rendered output as a terminal would and returns
// the first sequence that is not plain text, a newline, or an SGR colour
// sequence (the only kind lipgloss emits); "" when there is none. The
// injection tests of views and tui check every screen with it.
func TerminalUnsafe(out string) string {
	p := ansi.NewParser()
	var state byte
	for len(out) > 0 {
		seq, _, n, next := ansi.DecodeSequence(out, state, p)
		state, out = next, out[n:]
		r, _ := utf8.DecodeRuneInString(seq)
		switch {
		case seq == "\n":
		case seq[0] == ansi.ESC:
			cmd := ansi.Cmd(p.Command())
			if !strings.HasPrefix(seq, "\x1b[") || cmd.Final() != 'm' || cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
				return fmt.Sprintf("escape %q", seq)
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Sprintf("control %q", seq)
		default:
			for _, r := range seq {
				if (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					return fmt.Sprintf("control rune %U in %q", r, seq)
				}
			}
		}
	}
	return ""
}
