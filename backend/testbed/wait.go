package testbed

import (
	"testing"
	"time"
)

// How often Poll looks: soon at first, so a condition that is nearly true
// costs the test next to nothing, then each pause a quarter longer (a
// condition is seen at most a quarter of its time late; doubling made the
// tui/serve tests slower), up to a pause that makes a long wait on a shared
// service (a Prometheus query, a Docker inspect) ask it about fifty times
// over the whole bound rather than every few milliseconds.
const (
	firstPause   = 10 * time.Millisecond
	slowestPause = 2 * time.Second
	looksPerWait = 50
)

// Poll calls cond until it holds or within has passed, and returns how long
// that took, whether it held and the last detail cond gave. cond is asked
// once more at the deadline, so a bound is never cut short by a pause.
// Poll never fails a test: it is for a goroutine other than the test's,
// where t.Fatal must not be called, for setup shared by all tests, and for
// a test that must act (cancel, collect) before it fails. Otherwise tests
// use Eventually.
func Poll(within time.Duration, cond func() (ok bool, detail string)) (took time.Duration, ok bool, last string) {
	start := time.Now()
	deadline := start.Add(within)
	pause := firstPause
	longest := min(max(within/looksPerWait, firstPause), slowestPause)
	for {
		ok, last = cond()
		left := time.Until(deadline)
		if ok || left <= 0 {
			return time.Since(start), ok, last
		}
		time.Sleep(min(pause, left))
		pause = min(pause+pause/4, longest)
	}
}

// Eventually waits until cond holds and returns how long that took. At the
// deadline it fails the test with what and cond's last detail (say there
// what was seen instead, so a failure explains itself).
func Eventually(t testing.TB, within time.Duration, what string, cond func() (ok bool, detail string)) time.Duration {
	t.Helper()
	took, ok, last := Poll(within, cond)
	if !ok {
		if last == "" {
			t.Fatalf("%s: not within %v", what, within)
		}
		t.Fatalf("%s: not within %v; last: %s", what, within, last)
	}
	return took
}
