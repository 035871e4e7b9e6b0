package table

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width is ansi.StringWidth(s) with a fast path. Segmenting every line
// into grapheme clusters was the largest cost of a frame, yet almost all
// of what opsdeck draws is ASCII plus a few symbols (status dots,
// sparkline blocks, box drawing) that are one cell each and never join
// their neighbours into a cluster. Text made only of those is counted rune
// by rune; any other text between escape sequences goes through
// ansi.StringWidth. Escape sequences have no width.
func Width(s string) int {
	w := 0
	start, cells, simple := 0, 0, true // the text segment since the last escape
	flush := func(end int) {
		if simple {
			w += cells
		} else {
			w += ansi.StringWidth(s[start:end])
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			flush(i)
			i = skipEscape(s, i)
			start, cells, simple = i, 0, true
			continue
		case c < 0x20 || c == 0x7f:
			return ansi.StringWidth(s) // control characters: as ansi counts them
		case c < 0x80:
			cells++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if narrowSymbol(r) {
			cells++
		} else {
			simple = false
		}
		i += size
	}
	flush(len(s))
	return w
}

// narrowSymbol reports runes that are one cell wide, have no emoji
// presentation, and always form a grapheme cluster of their own next to
// each other and to ASCII (TestNarrowSymbols checks every pair).
func narrowSymbol(r rune) bool {
	switch {
	case r >= 0xa1 && r <= 0xff && r != 0xad: // Latin-1 (not the soft hyphen)
	case r >= 0x2010 && r <= 0x2027: // dashes, quotes, bullet, ellipsis
	case r >= 0x2190 && r <= 0x2199: // arrows
	case r >= 0x2500 && r <= 0x25fa: // box drawing, blocks, geometric shapes
	case r >= 0x2713 && r <= 0x2717: // check and cross marks
	case r >= 0x2800 && r <= 0x28ff: // braille (charts)
	default:
		return false
	}
	return true
}

// skipEscape returns the index just past the escape sequence at s[i]:
// CSI (ESC [ … final byte), OSC/DCS/APC strings (ending in BEL or ST), or a
// two-byte escape.
func skipEscape(s string, i int) int {
	if i+1 >= len(s) {
		return len(s)
	}
	switch s[i+1] {
	case '[':
		for j := i + 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case ']', 'P', '_', '^', 'X':
		for j := i + 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	}
	return i + 2
}
