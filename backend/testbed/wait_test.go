package testbed

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the calling goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// eventuallyOn runs Eventually on a recorder in a goroutine of its own, so
// that its Fatalf can end that goroutine.
func eventuallyOn(t *testing.T, within time.Duration, what string, cond func() (bool, string)) (failure string, took time.Duration) {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		took = Eventually(rec, within, what, cond)
	}()
	<-done
	return rec.msg, took
}

func TestEventuallyReturnsOnceTheConditionHolds(t *testing.T) {
	calls := 0
	failure, took := eventuallyOn(t, 5*time.Second, "third call", func() (bool, string) {
		calls++
		return calls == 3, "call " + strconv.Itoa(calls)
	})
	if failure != "" || calls != 3 {
		t.Fatalf("failure %q after %d calls", failure, calls)
	}
	if took <= 0 || took > time.Second {
		t.Errorf("took %v for three looks", took)
	}
}

func TestEventuallyFailsAtTheDeadlineWithWhatAndTheLastDetail(t *testing.T) {
	const within = 200 * time.Millisecond
	start := time.Now()
	var calls int
	var lastCall time.Time
	failure, _ := eventuallyOn(t, within, "the answer", func() (bool, string) {
		calls++
		lastCall = time.Now()
		return false, "seen " + strconv.Itoa(calls)
	})
	want := fmt.Sprintf("the answer: not within %v; last: seen %d", within, calls)
	if failure != want {
		t.Fatalf("failure %q, want %q", failure, want)
	}
	if lastCall.Sub(start) < within {
		t.Errorf("last look %v after the start: the bound of %v was cut short", lastCall.Sub(start), within)
	}
}

func TestEventuallyWithoutDetailSaysWhatOnly(t *testing.T) {
	failure, _ := eventuallyOn(t, 20*time.Millisecond, "the socket", func() (bool, string) { return false, "" })
	if failure != "the socket: not within 20ms" {
		t.Fatalf("failure %q", failure)
	}
}

// A condition that comes true exactly at the deadline is seen: Poll looks
// once more when the bound is over instead of giving up after a pause.
func TestPollLooksAgainAtTheDeadline(t *testing.T) {
	const within = 150 * time.Millisecond
	start := time.Now()
	_, ok, last := Poll(within, func() (bool, string) {
		d := time.Since(start)
		return d >= within, d.String()
	})
	if !ok {
		t.Fatalf("not seen; last look at %s", last)
	}
}

// A long wait does not hammer what it asks: about looksPerWait looks over
// the bound, not one every few milliseconds.
func TestPollSlowsDownOnALongWait(t *testing.T) {
	const within = time.Second
	calls := 0
	_, ok, _ := Poll(within, func() (bool, string) { calls++; return false, "" })
	if ok {
		t.Fatal("a condition that never holds was reported as held")
	}
	// Ten doublings from firstPause are more than enough to reach the
	// slowest pause; sleeps never end early, so calls can only be fewer.
	if calls > looksPerWait+10 || calls < 2 {
		t.Fatalf("%d looks in %v, want at most %d", calls, within, looksPerWait+10)
	}
}
