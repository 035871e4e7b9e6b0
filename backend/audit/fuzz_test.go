package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRead: whatever the file holds (torn lines after a crash, foreign
// text), read never panics, returns at most one entry per line, counts
// what it skips, and an entry it returns survives a write/read round trip.
func FuzzRead(f *testing.F) {
	good := `{"time":"2026-11-26T12:00:00Z","phase":"before","id":"a1","user":"alice","kind":"restart","target":"chat-backend","steps":["docker@local: restart chat-backend-1"]}`
	f.Add([]byte(good + "\n" + strings.Replace(good, "before", "after", 1) + "\n"))
	f.Add([]byte(good + "\n{\"time\":\"2026-11-26T12:0"))
	f.Add([]byte("\n\n  \nnot json\n[]\n"))
	f.Add([]byte(`{"time":"x"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, bad, err := read(bytes.NewReader(data))
		if err != nil {
			return // only a line over maxLine, which the input cannot reach here often
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(es)+bad > lines || bad < 0 {
			t.Fatalf("%d entries + %d bad from %d lines", len(es), bad, lines)
		}
		for _, e := range es {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("entry does not marshal: %v", err)
			}
			again, bad2, err := read(bytes.NewReader(append(b, '\n')))
			if err != nil || bad2 != 0 || len(again) != 1 {
				t.Fatalf("round trip of %s: %v, %d bad, %d entries", b, err, bad2, len(again))
			}
			b2, _ := json.Marshal(again[0])
			if !bytes.Equal(b, b2) {
				t.Fatalf("round trip changed the entry:\n%s\n%s", b, b2)
			}
		}
	})
}
