//go:build unix

package tuitest

import (
	"time"
	"unicode/utf8"
)

// Human pace: a key every 40-80 ms, jittered so that a test does not
// depend on one exact timing. After a lone esc the next key waits
// longer: a terminal sends esc as the single byte ESC, and Bubble Tea's
// reader takes ESC followed within 50 ms by another key as that key with
// alt, as any terminal program must. People do not type that fast after
// esc; a test that did would test the parser, not the console.
const (
	keyGapMin    = 40 * time.Millisecond
	keyGapJitter = 40 * time.Millisecond
	escGapMin    = 150 * time.Millisecond
)

// Keys presses each named key in turn ("enter", "esc", "tab", "ctrl+c",
// "q"; see KeyBytes), as a person would.
func (c *Console) Keys(keys ...string) {
	c.t.Helper()
	for _, k := range keys {
		b, err := KeyBytes(k)
		if err != nil {
			c.t.Fatal(err)
		}
		c.press(b, k == "esc")
	}
}

// Type types s one character at a time, as a person would.
func (c *Console) Type(s string) {
	c.t.Helper()
	for _, r := range s {
		var b [utf8.UTFMax]byte
		c.press(string(b[:utf8.EncodeRune(b[:], r)]), false)
	}
}

// press writes one key's bytes when its turn comes.
func (c *Console) press(b string, esc bool) {
	c.t.Helper()
	if d := time.Until(c.nextAt); d > 0 {
		time.Sleep(d) // pacing input, not waiting for a result
	}
	if _, err := c.keyIn.Write([]byte(b)); err != nil {
		c.t.Fatalf("typing %q: %v", b, err)
	}
	gap := keyGapMin + time.Duration(c.rng.Int64N(int64(keyGapJitter)))
	if esc {
		gap += escGapMin
	}
	c.nextAt = time.Now().Add(gap)
}
