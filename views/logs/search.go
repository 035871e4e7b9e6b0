package logs

import (
	"strings"

	"github.com/manacore/opsdeck/views/kit"
)

// matches are the buffer's lines that contain the search term, and which
// of them is current. Lines are kept by their number since the stream
// began, not by their place in the ring: a place shifts each time the
// oldest line drops out, a number does not, so the current match stays
// on its line while a paused view keeps receiving.
type matches struct {
	term  string // lowered; "" when there is no search
	lines []int  // numbers of the matching lines, oldest first
	cur   int    // index in lines of the current match; -1 none
}

// searchable is the text a search looks in: what the screen shows of the
// line (escapes stripped), lowered, so every match counted is one the
// highlight marks.
func searchable(text string) string { return strings.ToLower(kit.Sanitize(text)) }

// reset searches buf for term from scratch (enter on a new term, or ""
// to end the search); no match is current until step.
func (m *matches) reset(term string, buf *ring) {
	m.term, m.lines, m.cur = strings.ToLower(term), m.lines[:0], -1
	if m.term == "" {
		return
	}
	for i := range buf.len() {
		m.add(buf.number(i), buf.at(i).Text)
	}
}

// add counts line number n, just pushed, if it matches.
func (m *matches) add(n int, text string) {
	if m.term != "" && strings.Contains(searchable(text), m.term) {
		m.lines = append(m.lines, n)
	}
}

// dropBefore forgets the matches on lines older than first, the oldest
// number the buffer still holds; a current match among them is lost.
func (m *matches) dropBefore(first int) {
	k := 0
	for k < len(m.lines) && m.lines[k] < first {
		k++
	}
	if k == 0 {
		return
	}
	m.lines = m.lines[k:]
	if m.cur >= 0 {
		m.cur -= k
		if m.cur < 0 {
			m.cur = -1
		}
	}
}

// step makes the next match in direction dir current (-1 older, +1
// newer) and returns its line number. With none current it starts at the
// end dir comes from: the newest for -1, the oldest for +1. Past either
// end it wraps to the other and says so; ok is false with no matches.
func (m *matches) step(dir int) (line int, wrapped, ok bool) {
	n := len(m.lines)
	if n == 0 {
		return 0, false, false
	}
	switch {
	case m.cur < 0 && dir < 0:
		m.cur = n - 1
	case m.cur < 0:
		m.cur = 0
	default:
		m.cur += dir
		if m.cur < 0 || m.cur >= n {
			m.cur = (m.cur + n) % n
			wrapped = true
		}
	}
	return m.lines[m.cur], wrapped, true
}

// current is the line number of the current match.
func (m *matches) current() (int, bool) {
	if m.cur < 0 || m.cur >= len(m.lines) {
		return 0, false
	}
	return m.lines[m.cur], true
}

// count is the current match's place among all (from 1, 0 when none is
// current) and how many lines match.
func (m *matches) count() (cur, total int) {
	if _, ok := m.current(); ok {
		cur = m.cur + 1
	}
	return cur, len(m.lines)
}
