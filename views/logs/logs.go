package logs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/kit"
)

// LogBufferLines bounds the lines a logs view keeps: a chatty container
// must not grow memory without limit (k9s and lazydocker users report GBs).
const LogBufferLines = 5000

// Command registers the logs screen: l on a service's row, or
// :logs SERVICE.
func Command() kit.Command {
	return kit.Command{Name: "logs", Help: "follow a service's logs (:logs SERVICE)",
		Open: func(c kit.Common, service string) (kit.Screen, error) {
			switch {
			case c.Deps.Logs == nil:
				return nil, errors.New("logs: no log source configured")
			case service == "":
				return nil, errors.New("logs: name a service (:logs chat-backend), or press l on its row")
			}
			return New(c, service), nil
		}}
}

// tailLines is how many past lines a stream starts with.
const tailLines = 200

// Logs follows one service's container logs: following (G) or paused
// (p), wrap (w) and timestamps (t) toggles, stderr marked, / search with
// highlight and n/N between matches. It keeps the newest LogBufferLines.
// The stream runs while the screen is open, covered or not, and ends when
// it is closed (its requests' context is cancelled).
type Logs struct {
	c       kit.Common
	id      kit.ID
	service string
	stream  *stream // nil until the stream has started

	buf                  ring
	follow, wrap, stamps bool
	offset               int // first shown line when not following
	search               textinput.Model
	searching            bool
	hits                 matches // of the search applied (enter)
	status               string
	keys                 logKeys
	width, height        int
}

// logKeys are the screen's own keys. The help and the footer both list
// them from these bindings, so they say each key in the same words.
type logKeys struct{ search, pause, wrap, stamps, next, prev key.Binding }

// New is the logs screen of service; the stream starts when it is opened.
func New(c kit.Common, service string) *Logs {
	return &Logs{c: c, id: c.NewID(), service: service, follow: true, stamps: true, search: newSearchInput(), hits: matches{cur: -1},
		buf: newRing(LogBufferLines), status: "following", keys: logKeys{
			// The filter key: here it searches (every line stays shown).
			search: kit.WithHelp(c.Keys.Filter, "search"),
			pause:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause/follow")),
			wrap:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),
			stamps: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timestamps")),
			next:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/prev match")),
			prev:   key.NewBinding(key.WithKeys("N")),
		}}
}

// Init starts following: the stream's goroutine is started by the
// request (off the UI goroutine), bound to this screen's context.
func (v *Logs) Init() tea.Cmd {
	src, service := v.c.Deps.Logs, v.service
	return kit.Ask(v.id, 0, func(ctx context.Context) tea.Msg {
		return streamStarted{openStream(ctx, src, service, tailLines)}
	})
}

func newSearchInput() textinput.Model {
	ti := textinput.New()
	ti.Prompt = "/"
	return ti
}

func (v *Logs) ID() kit.ID       { return v.id }
func (v *Logs) Title() string    { return "logs " + kit.Sanitize(v.service) }
func (v *Logs) Capturing() bool  { return v.searching }
func (v *Logs) SetSize(w, h int) { v.width, v.height = w, h }

// Back clears a search first.
func (v *Logs) Back() bool {
	if v.search.Value() != "" {
		v.search.SetValue("")
		v.hits.reset("", &v.buf)
		return true
	}
	return false
}

// ShortHelp is the footer's keys and the help's: with a search applied,
// esc clears it rather than going back.
func (v *Logs) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.search, v.keys.next, v.keys.pause, v.keys.wrap, v.keys.stamps, v.backKey()}
}

func (v *Logs) backKey() key.Binding {
	if v.search.Value() != "" {
		return kit.WithHelp(v.c.Keys.Back, "clear search")
	}
	return v.c.Keys.Back
}

func (v *Logs) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *Logs) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case streamStarted:
		v.stream = msg.stream
		return v.next()
	case logBatch:
		for _, l := range msg.lines {
			if dropped := v.buf.push(l); dropped {
				v.hits.dropBefore(v.buf.number(0))
				if !v.follow && v.offset > 0 {
					v.offset-- // keep the same lines on screen while paused
				}
			}
			v.hits.add(v.buf.number(v.buf.len()-1), l.Text)
		}
		if msg.done {
			v.status = "stream ended"
			if msg.err != nil {
				v.status = "stream ended: " + kit.Sanitize(msg.err.Error())
			}
			return nil
		}
		return v.next()
	case tea.KeyPressMsg:
		return v.key(msg)
	}
	return nil
}

func (v *Logs) key(msg tea.KeyPressMsg) tea.Cmd {
	if v.searching {
		switch msg.String() {
		case "enter":
			v.searching = false
			v.search.Blur()
			v.hits.reset(v.search.Value(), &v.buf)
			return v.jump(-1)
		case "esc":
			v.searching = false
			v.search.Blur()
			v.search.SetValue("")
			v.hits.reset("", &v.buf)
		default:
			var cmd tea.Cmd
			v.search, cmd = v.search.Update(msg)
			return cmd
		}
		return nil
	}
	k := v.c.Keys
	switch {
	case key.Matches(msg, v.keys.search):
		v.searching = true
		return v.search.Focus()
	case key.Matches(msg, v.keys.next):
		return v.jump(-1)
	case key.Matches(msg, v.keys.prev):
		return v.jump(1)
	case key.Matches(msg, v.keys.pause):
		v.setFollow(!v.follow)
	case key.Matches(msg, v.keys.wrap):
		v.wrap = !v.wrap
	case key.Matches(msg, v.keys.stamps):
		v.stamps = !v.stamps
	case key.Matches(msg, k.Up):
		v.scroll(-1)
	case key.Matches(msg, k.Down):
		v.scroll(1)
	case key.Matches(msg, k.PageUp):
		v.scroll(-v.bodyHeight())
	case key.Matches(msg, k.PageDown):
		v.scroll(v.bodyHeight())
	case key.Matches(msg, k.HalfPageUp):
		v.scroll(-v.halfPage())
	case key.Matches(msg, k.HalfPageDown):
		v.scroll(v.halfPage())
	case key.Matches(msg, k.Top):
		v.setFollow(false)
		v.offset = 0
	case key.Matches(msg, k.Bottom):
		v.setFollow(true)
	}
	return nil
}

func (v *Logs) setFollow(on bool) {
	v.follow = on
	if on {
		v.status = "following"
	} else {
		v.status = "paused"
		v.offset = max(v.buf.len()-v.bodyHeight(), 0)
	}
}

func (v *Logs) scroll(n int) {
	if v.follow {
		v.setFollow(false)
	}
	v.offset = min(max(v.offset+n, 0), max(v.buf.len()-v.bodyHeight(), 0))
}

// jump moves to the next match in direction dir (-1 older, as n goes,
// like less's ? from the newest line; +1 newer, N) and pauses there so it
// stays on screen. Past the oldest or newest match it wraps around, and
// the status bar says so, as vim does: the counter alone would not show
// that the search went round.
func (v *Logs) jump(dir int) tea.Cmd {
	n, wrapped, ok := v.hits.step(dir)
	if !ok {
		if v.hits.term != "" {
			v.status = fmt.Sprintf("no match for %q", v.search.Value())
		}
		return nil
	}
	i := n - v.buf.number(0)
	v.follow = false
	v.status = "paused at match"
	v.offset = min(max(i-v.bodyHeight()/2, 0), max(v.buf.len()-v.bodyHeight(), 0))
	if !wrapped {
		return nil
	}
	to := "bottom" // n past the oldest: on to the newest
	if dir > 0 {
		to = "top"
	}
	return kit.Notify(kit.LevelInfo, "search wrapped to the "+to)
}

func (v *Logs) bodyHeight() int { return max(v.height-2, 1) }

// halfPage is how far ctrl+d and ctrl+u scroll.
func (v *Logs) halfPage() int { return max(v.bodyHeight()/2, 1) }

func (v *Logs) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	mode := fmt.Sprintf("%s · %d lines (max %d)", v.status, v.buf.len(), LogBufferLines)
	head := kit.Spread(t.Title.Render("LOGS "+kit.Sanitize(v.service)), t.Subtle.Render(mode), v.width)
	var body []string
	start := v.offset
	if v.follow {
		start = max(v.buf.len()-v.bodyHeight(), 0)
	}
	q := strings.ToLower(v.search.Value())
	cur, hasCur := v.hits.current()
	for i := start; i < v.buf.len() && len(body) < v.bodyHeight(); i++ {
		for _, l := range v.render(v.buf.at(i), q, hasCur && v.buf.number(i) == cur) {
			if len(body) < v.bodyHeight() {
				body = append(body, l)
			}
		}
	}
	for len(body) < v.bodyHeight() {
		body = append(body, "")
	}
	foot := kit.KeyLine(t, v.ShortHelp()...)
	if v.searching {
		foot = v.search.View()
	} else if q != "" {
		// [current/total] as vim's search count: the current match's
		// place among the buffer's matching lines, oldest first.
		n, total := v.hits.count()
		foot = t.Subtle.Render(fmt.Sprintf("search %q [%d/%d]  ", kit.Sanitize(v.search.Value()), n, total)) +
			kit.KeyLine(t, v.keys.next, v.backKey())
	}
	return strings.Join(append(append([]string{head}, body...), kit.FitLine(foot, v.width)), "\n")
}

// render formats one line: terminal escapes in container output are made
// harmless (stripped, never passed to the terminal), stderr is marked,
// matches highlighted, long lines cut or wrapped.
func (v *Logs) render(l backend.LogLine, q string, current bool) []string {
	t := v.c.Theme
	text := kit.Sanitize(l.Text)
	prefix := ""
	if v.stamps && !l.At.IsZero() {
		prefix = t.Subtle.Render(l.At.UTC().Format("15:04:05.000")) + " "
	}
	mark := t.Subtle.Render("│ ")
	if l.Stream == "stderr" {
		mark = t.Down.Render("E ")
	}
	if q != "" {
		text = highlight(text, q, t.Selected, current)
	}
	line := prefix + mark + text
	if !v.wrap {
		return []string{ansi.Truncate(line, v.width, "…")}
	}
	return strings.Split(ansi.Hardwrap(line, v.width, true), "\n")
}

// highlight marks every case-insensitive occurrence of q.
func highlight(s, q string, style lipgloss.Style, current bool) string {
	lower := strings.ToLower(s)
	// A few runes change byte length when lowered; indices would not line
	// up, so such lines go unhighlighted rather than cut wrongly.
	if len(lower) != len(s) || !strings.Contains(lower, q) {
		return s
	}
	if current {
		style = style.Underline(true)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, q)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(style.Render(s[i : i+len(q)]))
		s, lower = s[i+len(q):], lower[i+len(q):]
	}
}
