package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
)

type level int

const (
	levelInfo level = iota
	levelWarn
	levelError
)

// noticeMsg shows a message in the status bar until it expires; errors
// stay longer than information.
type noticeMsg struct {
	level level
	text  string
}

type clearNoticeMsg struct{ id int }

func notify(l level, text string) tea.Cmd {
	return func() tea.Msg { return noticeMsg{l, text} }
}

type notice struct {
	msg  noticeMsg
	id   int
	live bool
	// style renders by level; set by the model.
	render func(level, string) string
}

func (n *notice) show(m noticeMsg) tea.Cmd {
	n.id++
	n.msg, n.live = m, true
	ttl := 4 * time.Second
	if m.level == levelError {
		ttl = 10 * time.Second
	}
	id := n.id
	return tea.Tick(ttl, func(time.Time) tea.Msg { return clearNoticeMsg{id} })
}

func (n *notice) clear(m clearNoticeMsg) {
	if m.id == n.id { // an older timer must not clear a newer notice
		n.live = false
	}
}

func (n *notice) current() (string, bool) {
	if !n.live {
		return "", false
	}
	// Notices quote outside text (targets, error messages from remotes).
	text := backend.Printable(n.msg.text)
	if n.render == nil {
		return text, true
	}
	return n.render(n.msg.level, text), true
}
