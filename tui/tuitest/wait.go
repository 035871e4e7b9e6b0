//go:build unix

package tuitest

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// pollEvery is how often a wait looks at the screen: well under a frame
// of the console's 30 a second, cheap next to what it draws.
const pollEvery = 20 * time.Millisecond

// WaitFor waits up to ConsoleWait until the screen shows text.
func (c *Console) WaitFor(text string) {
	c.t.Helper()
	c.WaitForWithin(text, ConsoleWait)
}

// WaitForWithin is WaitFor with its own bound.
func (c *Console) WaitForWithin(text string, d time.Duration) {
	c.t.Helper()
	c.Until(fmt.Sprintf("%q on screen", text), d, func(s string) bool { return strings.Contains(s, text) })
}

// WaitGone waits up to ConsoleWait until the screen no longer shows text.
func (c *Console) WaitGone(text string) {
	c.t.Helper()
	c.Until(fmt.Sprintf("%q gone from the screen", text), ConsoleWait, func(s string) bool { return !strings.Contains(s, text) })
}

// WaitMatch waits up to ConsoleWait until re matches the screen and
// returns the match and its submatches.
func (c *Console) WaitMatch(re *regexp.Regexp) []string {
	c.t.Helper()
	return c.WaitMatchWithin(re, ConsoleWait)
}

// WaitMatchWithin is WaitMatch with its own bound.
func (c *Console) WaitMatchWithin(re *regexp.Regexp, d time.Duration) []string {
	c.t.Helper()
	var m []string
	c.Until(fmt.Sprintf("a match for /%s/", re), d, func(s string) bool {
		m = re.FindStringSubmatch(s)
		return m != nil
	})
	return m
}

// Until waits up to d until cond holds for the screen, and fails the test
// with what it waited for and the last screen if it does not. It stops
// early when the program has exited and all it wrote is on screen: the
// screen cannot change any more.
func (c *Console) Until(what string, d time.Duration, cond func(screen string) bool) {
	c.t.Helper()
	start := time.Now()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		s := c.Screen()
		if cond(s) {
			return
		}
		select {
		case <-c.drained:
			if cond(c.Screen()) {
				return
			}
			c.t.Fatalf("waiting for %s: the program ended (%s) after %v; last screen:\n%s",
				what, c.exitState(), time.Since(start).Round(time.Millisecond), c.Screen())
		default:
		}
		if time.Since(start) >= d {
			c.t.Fatalf("waited %v for %s; screen:\n%s", d, what, s)
		}
		<-tick.C
	}
}

// exitState says how the program ended, once its output has.
func (c *Console) exitState() string {
	select {
	case <-c.exited:
	case <-time.After(ConsoleWait):
		return "it closed its terminal but still runs"
	}
	if err := c.describeExit(); err != nil {
		return err.Error()
	}
	return "exit status 0"
}
