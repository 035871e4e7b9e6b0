package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

type clearNoticeMsg struct{ id int }

func notify(l kit.Level, text string) tea.Cmd { return kit.Notify(l, text) }

// notice is the status bar's message until it expires; errors stay longer
// than information.
type notice struct {
	msg  kit.NoticeMsg
	id   int
	live bool
	// render styles by level; set by the model.
	render func(kit.Level, string) string
}

func (n *notice) show(m kit.NoticeMsg) tea.Cmd {
	n.id++
	n.msg, n.live = m, true
	ttl := 4 * time.Second
	if m.Level == kit.LevelError {
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
	text := backend.Printable(n.msg.Text)
	if n.render == nil {
		return text, true
	}
	return n.render(n.msg.Level, text), true
}
