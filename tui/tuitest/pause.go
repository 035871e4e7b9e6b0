//go:build unix

package tuitest

import "time"

// Pause makes the next key wait at least d from now, as a person who
// reads what just came up before answering: a confirmation that ignores
// keys for its first moments, so that a key meant for the screen before
// cannot confirm it, must be read before it is answered. It does not
// block; the next Keys or Type does.
func (c *Console) Pause(d time.Duration) {
	if at := time.Now().Add(d); at.After(c.nextAt) {
		c.nextAt = at
	}
}
