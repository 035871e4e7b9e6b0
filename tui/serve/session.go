package serve

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/tui"
)

// session is one SSH session running a console.
type session struct {
	id      Identity
	from    string
	scope   context.Context // ends when the session handler returns
	started time.Time

	lastInput atomic.Int64 // unix nanoseconds of the last key, mouse or paste

	mu      sync.Mutex
	program *tea.Program
	reason  string // why the server ended the session; "" when the user quit
}

type sessionKey struct{}

// end records why the server ends the session (the first reason wins) and
// quits its program; the handler prints the reason once the terminal is
// restored.
func (se *session) end(reason string) {
	se.mu.Lock()
	if se.reason == "" {
		se.reason = reason
	}
	p := se.program
	se.mu.Unlock()
	if p != nil {
		go p.Quit() // Send blocks until the event loop reads it
	}
}

func (se *session) goodbye() string {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.reason
}

// limits admits a session within the limits or refuses it with one line,
// and after the program ended says goodbye and closes the session.
func (s *Server) limits(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		// The key that authenticated, as the connection recorded it; looked
		// up again rather than trusted from the auth callback.
		id, ok := s.cfg.Keys.Lookup(sess.PublicKey())
		if !ok {
			refuse(sess, "opsdeck: key not authorized")
			return
		}
		scope, cancel := context.WithCancel(sess.Context())
		defer cancel()
		se := &session{id: id, from: sess.RemoteAddr().String(), scope: scope, started: time.Now()}
		se.lastInput.Store(se.started.UnixNano())
		if msg := s.admit(se); msg != "" {
			s.cfg.Logf("refused session of %s (%s) from %s: %s", id.User, id.Fingerprint, se.from, msg)
			refuse(sess, "opsdeck: "+msg)
			return
		}
		defer s.release(se)
		s.cfg.Logf("session start: %s (%s, %s) from %s", id.User, id.Role, id.Fingerprint, se.from)
		sess.Context().SetValue(sessionKey{}, se)
		if s.cfg.IdleTimeout > 0 {
			go se.watchIdle(s.cfg.IdleTimeout)
		}
		next(sess)
		reason := se.goodbye()
		how := "quit"
		if reason != "" {
			how = reason
			// The program has left the alt screen: this line stays on the
			// user's terminal.
			_, _ = fmt.Fprint(sess, "opsdeck: "+reason+"\r\n")
		}
		s.cfg.Logf("session end: %s (%s) after %s: %s", id.User, id.Fingerprint, time.Since(se.started).Round(time.Second), how)
		_ = sess.Exit(0)
	}
}

func refuse(sess ssh.Session, line string) {
	_, _ = fmt.Fprint(sess, line+"\r\n")
	_ = sess.Exit(1)
}

// admit registers se, or says why it cannot run.
func (s *Server) admit(se *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return "server shutting down"
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Sprintf("too many sessions (limit %d), try again later", s.cfg.MaxSessions)
	}
	s.sessions[se] = struct{}{}
	s.handlers.Add(1)
	return ""
}

func (s *Server) release(se *session) {
	s.mu.Lock()
	delete(s.sessions, se)
	s.mu.Unlock()
	s.handlers.Done()
}

// watchIdle ends the session once no input arrived for d.
func (se *session) watchIdle(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-se.scope.Done():
			return
		case <-t.C:
			idle := time.Since(time.Unix(0, se.lastInput.Load()))
			if idle >= d {
				se.end(fmt.Sprintf("no input for %s, goodbye", d))
				return
			}
			t.Reset(d - idle)
		}
	}
}

// program builds the session's Bubble Tea program.
func (s *Server) program(sess ssh.Session) *tea.Program {
	se, _ := sess.Context().Value(sessionKey{}).(*session)
	if se == nil {
		return nil // limits refused it
	}
	// The console's context is the session's: when the session ends (quit,
	// idle timeout, shutdown, the client hanging up), its subscription,
	// requests and log streams end with it.
	var m tea.Model = tui.New(se.scope, s.sessionOptions(se))
	if !s.leaveSyncAlone {
		m = &syncGate{Model: m}
	}
	opts := append(bubbletea.MakeOptions(sess),
		tea.WithContext(se.scope),
		// Every program would otherwise catch the server's SIGINT and
		// SIGTERM for itself; the server handles them once, in Shutdown.
		tea.WithoutSignalHandler(),
		// Replaces the filter MakeOptions adds, so it does that job too.
		tea.WithFilter(se.filter),
	)
	p := tea.NewProgram(m, opts...)
	se.mu.Lock()
	se.program = p
	ended := se.reason != ""
	se.mu.Unlock()
	if ended {
		go p.Quit()
	}
	// Synchronized output (DEC mode 2026) keeps a frame from tearing over a
	// slow link. Bubble Tea v2.1.1 turns it on only when the terminal
	// answers a DECRQM query, and skips the query when SSH_TTY, or
	// TERM_PROGRAM=Apple_Terminal, is in the program's environment. Over
	// SSH the answer is unreliable (tmux 3.3a and the x/crypto test client
	// never answer), so frames went out unsynchronized. Report the mode as
	// supported, which is the message the answer would produce; terminals
	// without 2026 ignore the sequences, as DEC private modes they do not
	// know. syncGate holds the first frame until then.
	if !s.leaveSyncAlone {
		go p.Send(tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeReset})
	}
	return p
}

// filter notes user input for the idle timeout, and turns suspend (ctrl+z)
// into resume as wish's own filter does: a session cannot suspend the
// server.
func (se *session) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg, tea.PasteMsg, tea.PasteStartMsg:
		se.lastInput.Store(time.Now().UnixNano())
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	}
	return msg
}

// sessionOptions builds the console of a session: the caller's options for
// the actor, with the actor and read-only mode enforced here and the action
// runner pinned to the actor.
func (s *Server) sessionOptions(se *session) tui.Options {
	actor := se.id.Actor()
	o := s.cfg.Options(actor)
	o.Actor = actor
	o.NoExport = true
	if !actor.CanAct() {
		o.ReadOnly = true
	}
	if o.Actions != nil {
		o.Actions = sessionRunner{inner: o.Actions, actor: actor, inflight: s.inflight}
	}
	return o
}

// syncGate draws nothing until Bubble Tea has handled the report that turns
// synchronized output on (it does so before passing the report to Update),
// so not even the first frame is sent unsynchronized: the renderer flushes
// on its own ticker and could otherwise beat the report.
type syncGate struct {
	tea.Model
	open bool
}

func (g *syncGate) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if r, ok := msg.(tea.ModeReportMsg); ok && r.Mode == ansi.ModeSynchronizedOutput && r.Value == ansi.ModeReset {
		g.open = true
	}
	var cmd tea.Cmd
	g.Model, cmd = g.Model.Update(msg)
	return g, cmd
}

func (g *syncGate) View() tea.View {
	if !g.open {
		return tea.View{}
	}
	return g.Model.View()
}
