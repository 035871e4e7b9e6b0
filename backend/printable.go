package backend

import (
	"strings"
	"unicode/utf8"
)

// Printable makes outside text (container and service names, log lines,
// alert summaries and labels, command output, error messages) safe to put
// on a terminal as one line: nothing in it can move the cursor, clear the
// screen, retitle the window, write the clipboard (OSC 52), make a
// hyperlink (OSC 8) or reorder what is shown (bidi overrides).
//
// Rather than deleting what it defuses, it shows it: a control character
// becomes its Unicode control picture (ESC → ␛, BEL → ␇, CR → ␍), so an
// operator can see that a value holds an escape and read the rest of it.
// The one exception is a complete SGR colour sequence (ESC [ digits m),
// dropped silently: it is everywhere in container logs, means only
// "colour", and shown as ␛[31m it would bury the text. A tab becomes a
// space; bytes that are not UTF-8 become U+FFFD.
func Printable(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		if n := sgrLen(s[i:]); n > 0 {
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ … ␟
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0:
			// C1 controls: U+009B is CSI, U+009D OSC, U+0090 DCS on
			// terminals that honour them.
			b.WriteRune('␛')
		case isBidiControl(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports that s is printable ASCII: the common case, returned
// without copying.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// sgrLen is the length of the SGR sequence ESC [ params m at the start of
// s, or 0. Params are digits, ';' and ':' only, at most 64 bytes, so a
// sequence with anything else in it is not SGR and is shown, not dropped.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s) && i < 2+64; i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9', c == ';', c == ':':
		default:
			return 0
		}
	}
	return 0
}

// isBidiControl: embeddings, overrides, isolates and marks that make a
// terminal show text in another order than it is (U+202E "RLO" turns
// "exe.txt" into "txt.exe"); also the line and paragraph separators,
// which some terminals treat as a line break.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
