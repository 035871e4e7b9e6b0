package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/kit"
)

// The addressed delivery, through the real program: a screen's answer
// reaches that screen wherever it is, or nobody.

// delivery is a reply the root handled: the title of the screen it was
// addressed to ("" when that screen was gone), whether that screen was
// hidden or covered then, and the answer as text.
type delivery struct {
	to      string
	covered bool
	msg     string
}

// spy is the root model, watched: it notes every reply the root handles,
// after the root has handled it. It only looks; the root does the work.
type spy struct {
	*Model
	mu   sync.Mutex
	seen []delivery
}

func (s *spy) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var d *delivery
	if r, ok := msg.(kit.Reply); ok {
		d = &delivery{msg: fmt.Sprintf("%+v", r.Msg)}
		if to := s.Model.find(r.To); to != nil {
			d.to, d.covered = to.Title(), to != s.Model.active()
		}
	}
	_, cmd := s.Model.Update(msg)
	if d != nil {
		s.mu.Lock()
		s.seen = append(s.seen, *d)
		s.mu.Unlock()
	}
	return s, cmd
}

// waitDelivery waits until the root has handled a reply that ok accepts.
func (s *spy) waitDelivery(t *testing.T, what string, ok func(delivery) bool) delivery {
	t.Helper()
	var found *delivery
	eventually(t, what, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i := range s.seen {
			if ok(s.seen[i]) {
				found = &s.seen[i]
				return true
			}
		}
		return false
	})
	return *found
}

// spyConsole runs opts' console, watched, at 100x30.
func spyConsole(t *testing.T, opts Options) (*spy, *tuitest.Term) {
	t.Helper()
	s := &spy{Model: New(t.Context(), opts)}
	tt := tuitest.Start(t, s, 100, 30)
	tt.WaitFor("refreshed ")
	return s, tt
}

// probeReply is an answer for the probe named for.
type probeReply struct{ For string }

// probe is a small detail screen: Init asks what init says, x asks what
// onKey says, and it notes every probeReply it is handed, whoever it was
// meant for.
type probe struct {
	id     kit.ID
	name   string
	init   func(id kit.ID) tea.Cmd
	onKey  func(id kit.ID) tea.Cmd
	mu     sync.Mutex
	got    []string // the For of each reply handed to it
	width  int
	height int
}

func newProbe(s *spy, name string, init func(kit.ID) tea.Cmd) *probe {
	return &probe{id: s.Model.common.NewID(), name: name, init: init}
}

func (p *probe) ID() kit.ID                { return p.id }
func (p *probe) Title() string             { return "probe " + p.name }
func (p *probe) SetSize(w, h int)          { p.width, p.height = w, h }
func (p *probe) ShortHelp() []key.Binding  { return nil }
func (p *probe) FullHelp() [][]key.Binding { return nil }

func (p *probe) Init() tea.Cmd {
	if p.init == nil {
		return nil
	}
	return p.init(p.id)
}

func (p *probe) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case probeReply:
		p.mu.Lock()
		p.got = append(p.got, msg.For)
		p.mu.Unlock()
	case tea.KeyPressMsg:
		if msg.String() == "x" && p.onKey != nil {
			return p.onKey(p.id)
		}
	}
	return nil
}

func (p *probe) View() string {
	return fmt.Sprintf("PROBE %s got %v", p.name, p.replies())
}

func (p *probe) replies() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.got...)
}

// blockedAsk is a request that answers for name once release is closed,
// whatever its context says.
func blockedAsk(name string, release <-chan struct{}) func(kit.ID) tea.Cmd {
	return func(id kit.ID) tea.Cmd {
		return kit.Ask(id, 0, func(context.Context) tea.Msg {
			<-release
			return probeReply{For: name}
		})
	}
}

// (a) A detail's answer reaches it although another detail covers it
// when the answer comes. (Before addressed replies, the root handed every
// answer to the screen on top: b would have got a's.)
func TestReplyReachesACoveredDetail(t *testing.T) {
	s, tt := spyConsole(t, testOptions(&staticHub{snap: demoSnapshot(t)}, false, &fakeLogs{}))
	release := make(chan struct{})
	a := newProbe(s, "a", blockedAsk("a", release))
	tt.Send(kit.PushMsg{Screen: a})
	tt.WaitFor("PROBE a got []")
	b := newProbe(s, "b", nil)
	tt.Send(kit.PushMsg{Screen: b})
	tt.WaitFor("PROBE b got []")

	close(release)
	d := s.waitDelivery(t, "a's answer", func(d delivery) bool { return strings.Contains(d.msg, "For:a") })
	if d.to != "probe a" || !d.covered {
		t.Fatalf("a's answer went to %q (covered %v), want the covered probe a", d.to, d.covered)
	}
	if got := a.replies(); len(got) != 1 || got[0] != "a" {
		t.Fatalf("a got %v, want its own answer", got)
	}
	if got := b.replies(); len(got) != 0 {
		t.Fatalf("b, on top, got %v: another screen's answer", got)
	}
	tt.Keys("esc")
	tt.WaitFor("PROBE a got [a]") // and it shows it once uncovered
}

// (b) The answer to a detail closed meanwhile is dropped and counted; the
// screen now on top does not get it. (Before: the top screen got it, and
// nothing counted.)
func TestReplyToAClosedDetailIsDropped(t *testing.T) {
	s, tt := spyConsole(t, testOptions(&staticHub{snap: demoSnapshot(t)}, false, &fakeLogs{}))
	release := make(chan struct{})
	a := newProbe(s, "a", blockedAsk("a", release))
	tt.Send(kit.PushMsg{Screen: a})
	tt.WaitFor("PROBE a got []")
	tt.Keys("esc")
	tt.WaitGone("PROBE a")
	b := newProbe(s, "b", nil)
	tt.Send(kit.PushMsg{Screen: b})
	tt.WaitFor("PROBE b got []")

	close(release)
	d := s.waitDelivery(t, "a's answer", func(d delivery) bool { return strings.Contains(d.msg, "For:a") })
	if d.to != "" {
		t.Fatalf("the closed screen's answer was addressed to %q", d.to)
	}
	if got := append(a.replies(), b.replies()...); len(got) != 0 {
		t.Fatalf("the answer reached a screen: a got %v, b got %v", a.replies(), b.replies())
	}
	tt.Keys("esc")
	tt.WaitGone("PROBE b")
	final := tt.Quit().(*spy)
	if n := final.Dropped(); n != 1 {
		t.Fatalf("Dropped() = %d, want 1", n)
	}
}

// (c) Closing a detail cancels the context of its requests: a stream it
// started ends. (Before, requests ran in the console's context: only the
// logs screen cancelled its own stream.)
func TestClosingADetailCancelsItsRequests(t *testing.T) {
	s, tt := spyConsole(t, testOptions(&staticHub{snap: demoSnapshot(t)}, false, &fakeLogs{}))
	started, ended := make(chan struct{}), make(chan error, 1)
	a := newProbe(s, "a", func(id kit.ID) tea.Cmd {
		return kit.Ask(id, 0, func(ctx context.Context) tea.Msg { // a stream: no timeout
			close(started)
			<-ctx.Done()
			ended <- ctx.Err()
			return probeReply{For: "a"}
		})
	})
	tt.Send(kit.PushMsg{Screen: a})
	tt.WaitFor("PROBE a got []")
	select {
	case <-started:
	case <-time.After(tuitest.DefaultWait):
		t.Fatal("the probe's request never ran")
	}
	select {
	case err := <-ended:
		t.Fatalf("the stream ended (%v) while its screen was open", err)
	default:
	}
	tt.Keys("esc")
	select {
	case err := <-ended:
		if err != context.Canceled {
			t.Fatalf("the stream ended with %v, want context.Canceled", err)
		}
	case <-time.After(tuitest.DefaultWait):
		t.Fatal("closing the screen did not cancel its request's context")
	}
	s.waitDelivery(t, "the ended stream's answer", func(d delivery) bool { return strings.Contains(d.msg, "For:a") && d.to == "" })
}

// (d) A tab's answer reaches it while another tab is shown: the
// deployments' history asked when the tab was shown, answered after
// switching away, is there when it is shown again. (Before, the overview
// on screen got it and the history was lost.)
func TestReplyReachesAHiddenTab(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	read := func(ctx context.Context) ([]audit.Pair, error) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if !first {
			// Asked again when shown again: this answer never comes, so
			// what is shown then is the first one's.
			<-ctx.Done()
			return nil, ctx.Err()
		}
		<-release
		return bgAudit(), nil
	}
	opts := Options{Hub: &staticHub{snap: bgSnapshot(t, passing)}, Keys: keymap.Default(), Clock: fixedClock, NoTick: true,
		Deployments: bgSpecs, Deps: kit.Deps{AuditPairs: read}}
	s, tt := spyConsole(t, opts)
	tt.Keys("0")
	tt.WaitFor("DEPLOYMENTS (BLUE/GREEN)")
	tt.Keys("1")
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")

	close(release)
	d := s.waitDelivery(t, "the history", func(d delivery) bool { return strings.Contains(d.msg, "chat-weight") })
	if d.to != "Deploys" || !d.covered {
		t.Fatalf("the history went to %q (hidden %v), want the hidden deployments tab", d.to, d.covered)
	}
	tt.Keys("0")
	tt.WaitFor("last: 2026-11-26 12:24 shift green v1.6.0 by alice")
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Fatalf("the history was read %d times, want 2 (shown twice)", calls)
	}
}

// (e) Serial requests run one at a time in the order asked, even when the
// first is slow; other requests are not held up by them. (Before, the
// incident's changes ran as independent commands: the fast second one
// finished first.)
func TestSerialRequestsKeepTheirOrder(t *testing.T) {
	s, tt := spyConsole(t, testOptions(&staticHub{snap: demoSnapshot(t)}, false, &fakeLogs{}))
	var mu sync.Mutex
	var log []string
	note := func(what string) {
		mu.Lock()
		log = append(log, what)
		mu.Unlock()
	}
	release := make(chan struct{})
	p := newProbe(s, "p", func(id kit.ID) tea.Cmd {
		// In sequence, so the root is asked in this order.
		return tea.Sequence(
			s.Model.common.AskSerial(id, 0, func(context.Context) tea.Msg {
				note("1 start")
				<-release
				note("1 end")
				return probeReply{For: "1"}
			}),
			s.Model.common.AskSerial(id, 0, func(context.Context) tea.Msg {
				note("2")
				return probeReply{For: "2"}
			}),
		)
	})
	p.onKey = func(id kit.ID) tea.Cmd {
		return kit.Ask(id, 0, func(context.Context) tea.Msg {
			note("3")
			return probeReply{For: "3"}
		})
	}
	tt.Send(kit.PushMsg{Screen: p})
	tt.WaitFor("PROBE p")
	eventually(t, "the first serial request to start", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(log) > 0
	})
	// A plain request meanwhile runs at once, serial or not: by the time
	// its answer is in, the second serial one would have started too had
	// it not waited for the first.
	tt.Keys("x")
	eventually(t, "the plain request's answer", func() bool { return slices.Contains(p.replies(), "3") })
	close(release)
	eventually(t, "every answer", func() bool { return len(p.replies()) == 3 })
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(log, ", "); got != "1 start, 3, 1 end, 2" {
		t.Fatalf("ran %s; want the second serial request after the first", got)
	}
	if got := strings.Join(p.replies(), " "); got != "3 1 2" {
		t.Fatalf("answers came %s, want 3 1 2", got)
	}
}

// feedLogs is a log streamer the test writes to: every line sent on lines
// is streamed, until the screen closes.
type feedLogs struct{ lines chan backend.LogLine }

func (f feedLogs) StreamLogs(ctx context.Context, _ string, _ int, out func(backend.LogLine)) error {
	for {
		select {
		case l := <-f.lines:
			out(l)
		case <-ctx.Done():
			return nil
		}
	}
}

// (f) The logs keep streaming while the checks screen covers them, and
// show every line that came meanwhile when uncovered. (Before, the
// batches went to the checks screen on top and the stream stalled.)
func TestLogsStreamWhileCovered(t *testing.T) {
	feed := feedLogs{lines: make(chan backend.LogLine)}
	line := func(i int) backend.LogLine {
		return backend.LogLine{Stream: "stdout", At: testNow, Text: fmt.Sprintf("streamed line %02d", i)}
	}
	s, tt := spyConsole(t, testOptions(&staticHub{snap: demoSnapshot(t)}, false, feed))
	tt.Keys("3")
	tt.WaitFor("FLEET ·")
	tt.Keys("j", "l")
	tt.WaitFor("LOGS chat-backend")
	feed.lines <- line(1)
	tt.WaitFor("streamed line 01")
	tt.Keys("c")
	tt.WaitFor("✖ 2/3 passed")
	for i := 2; i <= 10; i++ {
		feed.lines <- line(i)
	}
	d := s.waitDelivery(t, "the last line while covered", func(d delivery) bool { return strings.Contains(d.msg, "streamed line 10") })
	if d.to != "logs chat-backend" || !d.covered {
		t.Fatalf("the last line went to %q (covered %v), want the covered logs", d.to, d.covered)
	}
	tt.Keys("esc")
	got := tt.WaitScreen("the logs again", func(s string) bool { return strings.Contains(s, "LOGS chat-backend") })
	for i := 1; i <= 10; i++ {
		if want := fmt.Sprintf("streamed line %02d", i); !strings.Contains(got, want) {
			t.Errorf("uncovered logs lack %q:\n%s", want, got)
		}
	}
}

// Serial requests asked by two keys in a row run in the order asked even
// when the first key's command reaches the root last: a program runs each
// command in a goroutine of its own, so the order they answer in is not
// the order they were returned in. Here the first key's command is held
// at a gate until a serial request has run, as a goroutine scheduled late
// would be.
func TestSerialRequestsOfConsecutiveKeysKeepTheirOrder(t *testing.T) {
	s, tt := spyConsole(t, testOptions(&staticHub{snap: demoSnapshot(t)}, false, &fakeLogs{}))
	var mu sync.Mutex
	var log []string
	ran := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), log...)
	}
	ask := func(id kit.ID, name string) tea.Cmd {
		return s.Model.common.AskSerial(id, 0, func(context.Context) tea.Msg {
			mu.Lock()
			log = append(log, name)
			mu.Unlock()
			return probeReply{For: name}
		})
	}
	gate := make(chan struct{})
	keys := 0 // the probe's Update runs on the program's goroutine only
	p := newProbe(s, "p", nil)
	p.onKey = func(id kit.ID) tea.Cmd {
		keys++
		if keys > 1 {
			return ask(id, "second")
		}
		first := ask(id, "first")
		return func() tea.Msg { <-gate; return first() }
	}
	tt.Send(kit.PushMsg{Screen: p})
	tt.WaitFor("PROBE p")
	tt.Keys("x", "x")
	// The second key's command answers while the first's is held: the
	// root runs a serial request then (the one asked first, or it has
	// the order wrong).
	eventually(t, "a serial request to run", func() bool { return len(ran()) > 0 })
	close(gate)
	eventually(t, "both answers", func() bool { return len(p.replies()) == 2 })
	if got := strings.Join(ran(), ", "); got != "first, second" {
		t.Fatalf("ran %s; want them in the order asked", got)
	}
}
