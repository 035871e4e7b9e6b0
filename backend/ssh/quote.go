package ssh

import "strings"

// Quote returns s as one word for a POSIX shell: unchanged when it holds
// only characters no shell treats specially, else wrapped in single
// quotes with each single quote inside closed, escaped and reopened:
//
//	Quote("it's") == `'it'\''s'`
//
// Inside single quotes nothing is special, not even \ or newline, so this
// is exact for every string without NUL bytes (which no argv can carry).
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isPlain(s) {
		return s // readable audit lines for the common case
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isPlain reports whether s needs no quoting. '=' and '~' are left out on
// purpose: a leading NAME= makes an assignment, a leading ~ expands.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_', c == '-', c == '.', c == '/', c == ',', c == ':', c == '@', c == '+', c == '%':
		default:
			return false
		}
	}
	return true
}

// QuoteArgv quotes each word and joins them with spaces.
func QuoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}
