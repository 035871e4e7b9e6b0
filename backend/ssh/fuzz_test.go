package ssh

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzLineReader: whatever a remote command prints, the reader never
// panics, no line holds a newline or exceeds maxLine, and the lines with
// the newlines left out hold every byte of the output in order.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("pg_restore: connecting\npg_restore: done\n"), false)
	f.Add([]byte("no newline at the end"), true)
	f.Add([]byte("\n\n\r\n\x1b[2J\x00"), false)
	f.Add(bytes.Repeat([]byte("x"), maxLine), false)
	f.Add(append(bytes.Repeat([]byte("y"), maxLine), '\n'), true)
	f.Add(append(bytes.Repeat([]byte("z"), 2*maxLine+3), "\nend"...), false)
	f.Fuzz(func(t *testing.T, data []byte, oneByte bool) {
		lr := newLineReader(bytes.NewReader(data))
		if oneByte {
			lr = newLineReader(iotest.OneByteReader(bytes.NewReader(data)))
		}
		var got strings.Builder
		for n := 0; ; n++ {
			line, ok, _ := lr.next()
			if !ok {
				break
			}
			if n > len(data)+1 {
				t.Fatal("more lines than bytes")
			}
			if strings.Contains(line, "\n") || len(line) > maxLine {
				t.Fatalf("line of %d bytes with newline=%v", len(line), strings.Contains(line, "\n"))
			}
			got.WriteString(line)
		}
		// Nothing lost or made up: the lines hold every byte but the
		// newlines that ended them, in order.
		if want := strings.ReplaceAll(string(data), "\n", ""); got.String() != want {
			t.Fatalf("lines do not reassemble the output: %d vs %d bytes", got.Len(), len(want))
		}
	})
}
