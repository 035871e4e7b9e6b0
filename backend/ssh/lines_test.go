package ssh

import (
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	x := strings.Repeat("x", maxLine)
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"lines", "a\nb\n", []string{"a", "b"}},
		{"no final newline", "a\nb", []string{"a", "b"}},
		{"empty lines kept", "\n\na\n\n", []string{"", "", "a", ""}},
		{"carriage return kept", "a\r\n", []string{"a\r"}},
		{"exactly max", x + "\n" + "z\n", []string{x, "z"}},
		{"twice max", x + x + "\n", []string{x, x}},
		{"max plus one", x + "y\n", []string{x, "y"}},
		{"max then empty line", x + "\n\n", []string{x, ""}},
		{"max without newline", x, []string{x}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lr := newLineReader(strings.NewReader(tc.in))
			var got []string
			for {
				l, ok, err := lr.next()
				if ok {
					got = append(got, l)
				}
				if err != nil {
					break
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d lines %v, want %d", len(got), lens(got), len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("line %d: %q (len %d), want len %d", i, trunc(got[i]), len(got[i]), len(tc.want[i]))
				}
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
