package views

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
)

// LogBufferLines bounds the lines a logs view keeps: a chatty container
// must not grow memory without limit (k9s and lazydocker users report GBs).
const LogBufferLines = 5000

// LogBatchMsg carries lines that arrived for the logs view with this ID.
type LogBatchMsg struct {
	ID    int
	Lines []backend.LogLine
	Err   error
	Done  bool // the stream ended
}

// Logs follows one service's container logs: following (G) or paused
// (p), wrap (w) and timestamps (t) toggles, stderr marked, / search with
// highlight and n/N between matches. It keeps the newest LogBufferLines.
type Logs struct {
	c       Common
	id      int
	service string
	cancel  context.CancelFunc
	next    tea.Cmd // waits for the next batch

	buf                  ring
	follow, wrap, stamps bool
	offset               int // first shown line when not following
	search               textinput.Model
	searching            bool
	match                int // index in buf of the current match, -1 none
	status               string
	width, height        int
}

var logSeq int

// OpenLogs starts following service's logs through s and pushes the view.
// The stream runs in its own goroutine, bounded by the view's context,
// which closing the view cancels.
func OpenLogs(c Common, s backend.LogStreamer, service string) tea.Cmd {
	logSeq++
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan backend.LogLine, 256)
	errc := make(chan error, 1)
	go func() {
		errc <- s.StreamLogs(ctx, service, 200, func(l backend.LogLine) {
			select {
			case ch <- l:
			case <-ctx.Done():
			}
		})
		close(ch)
	}()
	v := &Logs{c: c, id: logSeq, service: service, cancel: cancel, follow: true, stamps: true, search: newSearchInput(), match: -1,
		buf: newRing(LogBufferLines), status: "following"}
	v.next = waitLogs(v.id, ch, errc)
	return tea.Batch(func() tea.Msg { return PushMsg{View: v} }, v.next)
}

func newSearchInput() textinput.Model {
	ti := textinput.New()
	ti.Prompt = "/"
	return ti
}

// Batching of a followed stream: batches are at least logCoalesce apart,
// and what arrives in between goes into the next one (up to maxLogBatch
// lines). A container writing 1,000 lines/s then costs ~20 updates a
// second instead of one per read; a line after a quiet spell shows at once.
const (
	logCoalesce = 50 * time.Millisecond
	maxLogBatch = 1024
)

// waitLogs blocks for the next line, then gathers lines until logCoalesce
// has passed since the previous batch.
func waitLogs(id int, ch <-chan backend.LogLine, errc <-chan error) tea.Cmd {
	var last atomic.Int64 // unix nanoseconds of the previous batch
	return func() tea.Msg {
		l, ok := <-ch
		if !ok {
			return LogBatchMsg{ID: id, Err: <-errc, Done: true}
		}
		batch := []backend.LogLine{l}
		defer func() { last.Store(time.Now().UnixNano()) }()
		window := time.NewTimer(max(logCoalesce-time.Since(time.Unix(0, last.Load())), 0))
		defer window.Stop()
		for len(batch) < maxLogBatch {
			select {
			case l, ok := <-ch:
				if !ok {
					return LogBatchMsg{ID: id, Lines: batch, Err: <-errc, Done: true}
				}
				batch = append(batch, l)
			case <-window.C:
				// Take what is queued already, then deliver.
				for len(batch) < maxLogBatch {
					select {
					case l, ok := <-ch:
						if !ok {
							return LogBatchMsg{ID: id, Lines: batch, Err: <-errc, Done: true}
						}
						batch = append(batch, l)
					default:
						return LogBatchMsg{ID: id, Lines: batch}
					}
				}
			}
		}
		return LogBatchMsg{ID: id, Lines: batch}
	}
}

func (v *Logs) Name() string                 { return "logs" }
func (v *Logs) Title() string                { return "logs " + sanitize(v.service) }
func (v *Logs) Capturing() bool              { return v.searching }
func (v *Logs) SetSnapshot(backend.Snapshot) {}
func (v *Logs) SetSize(w, h int)             { v.width, v.height = w, h }

// Close stops the stream; the root calls it when the view goes away.
func (v *Logs) Close() { v.cancel() }

// Back clears a search first.
func (v *Logs) Back() bool {
	if v.search.Value() != "" {
		v.search.SetValue("")
		v.match = -1
		return true
	}
	return false
}

var (
	keyPause  = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause/follow"))
	keyWrap   = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap"))
	keyStamps = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timestamps"))
	keyNext   = key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/previous match"))
	keyPrev   = key.NewBinding(key.WithKeys("N"))
)

func (v *Logs) ShortHelp() []key.Binding {
	return []key.Binding{v.c.Keys.Filter, keyNext, keyPause, keyWrap, keyStamps, v.c.Keys.Back}
}

func (v *Logs) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *Logs) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LogBatchMsg:
		if msg.ID != v.id {
			return nil // a stream of a view already closed
		}
		for _, l := range msg.Lines {
			if dropped := v.buf.push(l); dropped && !v.follow && v.offset > 0 {
				v.offset-- // keep the same lines on screen while paused
			}
		}
		if msg.Done {
			v.status = "stream ended"
			if msg.Err != nil {
				v.status = "stream ended: " + sanitize(msg.Err.Error())
			}
			return nil
		}
		return v.next
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
			v.find(v.buf.len()-1, -1)
		case "esc":
			v.searching = false
			v.search.Blur()
			v.search.SetValue("")
		default:
			var cmd tea.Cmd
			v.search, cmd = v.search.Update(msg)
			return cmd
		}
		return nil
	}
	k := v.c.Keys
	switch {
	case key.Matches(msg, k.Filter):
		v.searching = true
		return v.search.Focus()
	case key.Matches(msg, keyNext):
		v.find(v.match-1, -1)
	case key.Matches(msg, keyPrev):
		v.find(v.match+1, 1)
	case key.Matches(msg, keyPause):
		v.setFollow(!v.follow)
	case key.Matches(msg, keyWrap):
		v.wrap = !v.wrap
	case key.Matches(msg, keyStamps):
		v.stamps = !v.stamps
	case key.Matches(msg, k.Up):
		v.scroll(-1)
	case key.Matches(msg, k.Down):
		v.scroll(1)
	case key.Matches(msg, k.PageUp):
		v.scroll(-v.bodyHeight())
	case key.Matches(msg, k.PageDown):
		v.scroll(v.bodyHeight())
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

// find moves to the next line containing the search text, walking from
// index i in direction dir (-1: older, the default for n), and pauses
// there so the match stays on screen.
func (v *Logs) find(i, dir int) {
	q := strings.ToLower(v.search.Value())
	if q == "" {
		return
	}
	for ; i >= 0 && i < v.buf.len(); i += dir {
		if strings.Contains(strings.ToLower(v.buf.at(i).Text), q) {
			v.match = i
			v.follow = false
			v.status = "paused at match"
			v.offset = min(max(i-v.bodyHeight()/2, 0), max(v.buf.len()-v.bodyHeight(), 0))
			return
		}
	}
	v.status = fmt.Sprintf("no more matches for %q", v.search.Value())
}

func (v *Logs) bodyHeight() int { return max(v.height-2, 1) }

func (v *Logs) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	t := v.c.Theme
	mode := fmt.Sprintf("%s · %d lines (max %d)", v.status, v.buf.len(), LogBufferLines)
	head := spread(t.Title.Render("LOGS "+sanitize(v.service)), t.Subtle.Render(mode), v.width)
	var body []string
	start := v.offset
	if v.follow {
		start = max(v.buf.len()-v.bodyHeight(), 0)
	}
	q := strings.ToLower(v.search.Value())
	for i := start; i < v.buf.len() && len(body) < v.bodyHeight(); i++ {
		for _, l := range v.render(v.buf.at(i), q, i == v.match) {
			if len(body) < v.bodyHeight() {
				body = append(body, l)
			}
		}
	}
	for len(body) < v.bodyHeight() {
		body = append(body, "")
	}
	foot := t.Subtle.Render("/ search · n/N matches · p pause · w wrap · t timestamps · esc back")
	if v.searching {
		foot = v.search.View()
	} else if q != "" {
		foot = t.Subtle.Render(fmt.Sprintf("search %q · n/N · esc clears", v.search.Value()))
	}
	return strings.Join(append(append([]string{head}, body...), fitLine(foot, v.width)), "\n")
}

// render formats one line: terminal escapes in container output are made
// harmless (stripped, never passed to the terminal), stderr is marked,
// matches highlighted, long lines cut or wrapped.
func (v *Logs) render(l backend.LogLine, q string, current bool) []string {
	t := v.c.Theme
	text := sanitize(l.Text)
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

// sanitize makes outside text (log lines, names, summaries, error
// messages) safe to show: no escape or control character reaches the
// terminal; each is shown as a visible picture (␛, ␍) instead.
func sanitize(s string) string { return backend.Printable(s) }

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

// ring is a fixed-capacity buffer of log lines, oldest dropped first.
type ring struct {
	lines []backend.LogLine
	start int
	n     int
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
	return true
}

func (r *ring) len() int                 { return r.n }
func (r *ring) at(i int) backend.LogLine { return r.lines[(r.start+i)%len(r.lines)] }
