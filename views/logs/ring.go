package logs

import "github.com/manacore/opsdeck/backend"

// ring is a fixed-capacity buffer of log lines, oldest dropped first.
type ring struct {
	lines []backend.LogLine
	start int
	n     int
	first int // the number of the line at(0): lines dropped so far
}

func newRing(capacity int) ring { return ring{lines: make([]backend.LogLine, capacity)} }

// push appends l and reports whether the oldest line was dropped.
func (r *ring) push(l backend.LogLine) bool {
	if r.n < len(r.lines) {
		r.lines[(r.start+r.n)%len(r.lines)] = l
		r.n++
		return false
	}
	r.lines[r.start] = l
	r.start = (r.start + 1) % len(r.lines)
	r.first++
	return true
}

func (r *ring) len() int                 { return r.n }
func (r *ring) at(i int) backend.LogLine { return r.lines[(r.start+i)%len(r.lines)] }

// number is the number of line i since the stream began (at(i) is line
// number(i) for as long as it is held).
func (r *ring) number(i int) int { return r.first + i }
