package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/contacts"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/actionrun"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// MinWidth and MinHeight are the smallest terminal opsdeck lays out in.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Options configure the root model.
type Options struct {
	Hub  backend.Hub
	Keys *keymap.KeyMap // nil: keymap.Default()
	// Theme is the theme setting; the zero Choice is auto. Each console
	// makes its own *theme.Theme from it, so that each SSH session's
	// follows its own terminal's background.
	Theme theme.Choice
	// NoColor says no colour is drawn (NO_COLOR, --no-color): the
	// terminal is not asked for its background.
	NoColor bool
	// AskedBackground says the caller has asked the terminal for its
	// background itself (the local console, before its first frame: see
	// screen.Terminal.AskBackground); the console only awaits the answer.
	AskedBackground bool
	Clock           func() time.Time
	ReadOnly        bool
	// DemoWhy says why the demo fleet is shown when it was not asked for
	// ("no config, no Docker engine found"); beside DEMO when it fits.
	DemoWhy string
	// NoTick stops the header clock from ticking (tests pin the clock).
	NoTick bool
	// Actor is who this console acts as (the local user, or an SSH
	// session's user, key and role); a viewer cannot act.
	Actor backend.Actor
	// Actions plans and runs fleet actions; nil: none configured.
	Actions backend.ActionRunner
	// DBServices are the services that use each database.
	DBServices map[string][]string
	// Deployments are the blue/green projects.
	Deployments []deploy.Spec
	// Contacts are the emergency contacts (:contacts, the wizard's
	// escalations).
	Contacts contacts.Book
	// NoExport refuses the export report: it writes files where opsdeck
	// runs, which a remote `opsdeck serve` session must not choose.
	NoExport bool
	// Deps are what the screens ask for work (health checks, logs, the
	// chart's history, silences, the audit log, the incident desk).
	Deps kit.Deps
	// Notice is shown in the status bar as the console starts (an action
	// a killed opsdeck left unfinished); empty: none.
	Notice kit.NoticeMsg
}

// stacked is a detail screen on top of the tabs, with the context its
// requests run in: closing the screen cancels it, which ends its streams.
type stacked struct {
	screen kit.Screen
	ctx    context.Context
	cancel context.CancelFunc
}

// Model is the root model.
type Model struct {
	opts   Options
	theme  *theme.Theme // this console's, shared by its screens (kit.Common)
	common kit.Common
	ctx    context.Context
	cancel context.CancelFunc
	sub    <-chan backend.Snapshot
	boards <-chan incident.Board

	snap     backend.Snapshot
	board    incident.Board
	specs    []kit.Tab     // the registered tabs, in tab order
	tabs     []kit.Screen  // their screens
	commands []kit.Command // screens opened by name
	tab      int
	stack    []stacked // details opened on top of the active tab
	stale    []bool    // per tab: m.snap not handed to it yet (see deliver)

	width, height int
	palette       palette
	export        exportPrompt
	confirm       confirmDialog
	running       map[string]*running    // executing actions by ID
	jobs          []*actionrun.ActionRun // :jobs: the running and recent actions, oldest first
	serial        serialQueue
	showHelp      bool
	notice        notice
	now           time.Time
	// refused are the action keys a read-only console does not act on,
	// kept to say so when one is pressed.
	refused []keymap.Refusal
	// dropped counts replies whose screen was gone (closed meanwhile):
	// dropped on purpose, never handed to another screen.
	dropped uint64

	// held is a snapshot that arrived between clock ticks: while the
	// clock ticks, new data is drawn with the next second's frame instead
	// of a frame of its own (see hold).
	held *backend.Snapshot
	// rev counts the updates that may change the screen; frame caches
	// View's text for frameRev, so an update that changes nothing drawn
	// (a held snapshot) costs no re-render.
	rev, frameRev uint64
	frame         string
}

// New builds the root model for a console whose caller's context is ctx
// (the local console's, or an SSH session's): when it ends, every request
// and stream of the console ends too.
func New(ctx context.Context, opts Options) *Model {
	if opts.Keys == nil {
		opts.Keys = keymap.Default()
	}
	th := theme.New(opts.Theme.Palette(true)) // dark until the terminal says otherwise
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Actor.User == "" {
		// A console started by hand acts as its local user; cmd/opsdeck
		// names them, `opsdeck serve` passes each session's identity.
		opts.Actor = backend.Actor{User: "local", Role: backend.RoleOperator}
	}
	var refused []keymap.Refusal
	if opts.ReadOnly {
		opts.Actor.Role = backend.RoleViewer
		refused = opts.Keys.DropDangerous()
	}
	c := kit.Common{Theme: th, Keys: opts.Keys, Now: opts.Clock, IDs: &kit.IDs{}, Actor: opts.Actor,
		DBServices: opts.DBServices, Deployments: opts.Deployments, Contacts: opts.Contacts, Deps: opts.Deps, Serial: &kit.SerialQueue{}}
	ctx, cancel := context.WithCancel(ctx)
	m := &Model{opts: opts, theme: th, common: c, ctx: ctx, cancel: cancel, now: opts.Clock(), specs: tabs(), commands: commands(), refused: refused,
		serial: serialQueue{asked: c.Serial}}
	for _, spec := range m.specs {
		m.tabs = append(m.tabs, spec.New(c))
	}
	m.stale = make([]bool, len(m.tabs))
	registerTabs(opts.Keys, m.specs)
	if d := opts.Deps.Incidents; d != nil {
		m.board = d.Board()
	}
	m.palette = newPalette(m.paletteCommands())
	m.export = newExportPrompt()
	m.confirm = newConfirmDialog()
	m.running = map[string]*running{}
	m.notice.render = func(l kit.Level, text string) string {
		switch l {
		case kit.LevelError:
			return th.Down.Render("✖ " + text)
		case kit.LevelWarn:
			return th.Warn.Render("▲ " + text)
		}
		return th.Text.Render(text)
	}
	return m
}

// RegisterViews adds the tab switch bindings (1, 2, ...) to k, so a config
// can rebind them ("view.services") before the UI starts.
func RegisterViews(k *keymap.KeyMap) { registerTabs(k, tabs()) }

func registerTabs(k *keymap.KeyMap, specs []kit.Tab) {
	for i, t := range specs {
		if _, ok := k.Views[t.Name]; !ok {
			k.AddView(t.Name, t.Title, i+1)
		}
	}
}

// Dropped is how many replies found their screen gone (a debug counter).
func (m *Model) Dropped() uint64 { return m.dropped }

// SnapshotMsg carries a new snapshot from the hub.
type SnapshotMsg struct{ Snapshot backend.Snapshot }

// boardMsg carries the incident desk's newest board.
type boardMsg struct{ board incident.Board }

type tickMsg time.Time

// Init subscribes to the hub and the incident desk, starts the clock, and
// lets the tabs ask for their first data.
func (m *Model) Init() tea.Cmd {
	m.sub = m.opts.Hub.Subscribe(m.ctx)
	cmds := []tea.Cmd{waitSnapshot(m.sub)}
	if d := m.opts.Deps.Incidents; d != nil {
		m.boards = d.Subscribe(m.ctx)
		cmds = append(cmds, waitBoard(m.boards))
	}
	if !m.opts.NoTick {
		cmds = append(cmds, tick())
	}
	if m.opts.Theme.Adaptive() && !m.opts.NoColor && !m.opts.AskedBackground {
		// The answer comes as a tea.BackgroundColorMsg, or never (a
		// terminal or multiplexer that does not answer OSC 11): the
		// console draws on meanwhile, in the dark palette.
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if n := m.opts.Notice; n.Text != "" {
		cmds = append(cmds, notify(n.Level, n.Text))
	}
	for _, s := range m.tabs {
		if i, ok := s.(kit.Initer); ok {
			cmds = append(cmds, i.Init())
		}
	}
	return tea.Batch(cmds...)
}

// waitSnapshot blocks in its own goroutine for the next snapshot; it
// returns nil when the subscription closes on quit.
func waitSnapshot(ch <-chan backend.Snapshot) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return SnapshotMsg{s}
	}
}

// waitBoard is waitSnapshot for the incident desk.
func waitBoard(ch <-chan incident.Board) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			return nil
		}
		return boardMsg{b}
	}
}

// tick fires on the next whole second so the clock changes in step.
func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func (m *Model) active() kit.Screen {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1].screen
	}
	return m.tabs[m.tab]
}

func (m *Model) bodySize() (int, int) { return m.width, max(m.height-3, 0) }

// Update routes a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(SnapshotMsg); ok {
		if m.hold() {
			m.held = &s.Snapshot
			return m, waitSnapshot(m.sub)
		}
		m.held = nil // superseded by the one shown now
	}
	m.rev++
	if m.held != nil {
		// Anything that draws a frame (the clock tick at the latest)
		// shows the held data with it.
		m.snap, m.held = *m.held, nil
		m.deliver()
	}
	return m, m.update(msg)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		w, h := m.bodySize()
		var cmds []tea.Cmd
		for _, s := range m.all() {
			s.SetSize(w, h)
			if r, ok := s.(kit.Resizer); ok {
				cmds = append(cmds, r.Resized())
			}
		}
		m.palette.setWidth(msg.Width)
		return tea.Batch(cmds...)
	case SnapshotMsg:
		m.snap = msg.Snapshot
		m.deliver()
		return waitSnapshot(m.sub)
	case boardMsg:
		m.board = msg.board
		return tea.Batch(waitBoard(m.boards), m.broadcast(kit.IncidentMsg{Board: msg.board}))
	case tickMsg:
		m.now = m.opts.Clock()
		return tea.Batch(tick(), m.active().Update(kit.TickMsg(m.now)))
	case kit.Request:
		return m.request(msg)
	case kit.Reply:
		return m.reply(msg)
	case kit.SerialAsked:
		return m.startSerial()
	case serialDone:
		return tea.Batch(m.reply(msg.reply), m.nextSerial())
	case kit.NoticeMsg:
		return m.notice.show(msg)
	case exportExists:
		m.export.ask(msg)
		return nil
	case clearNoticeMsg:
		m.notice.clear(msg)
		return nil
	case kit.PushMsg:
		return m.push(msg.Screen)
	case kit.OpenMsg:
		return m.open(msg.Name, msg.Arg)
	case kit.ShowTabMsg:
		for i, t := range m.specs {
			if t.Name == msg.Name {
				return m.switchTo(i)
			}
		}
		return notify(kit.LevelError, "unknown tab "+msg.Name)
	case kit.ActionMsg:
		return m.requestAction(msg)
	case planMsg:
		return m.planned(msg)
	case actionOutputMsg:
		return m.actionOutput(msg)
	case actionDoneMsg:
		return m.actionDone(msg)
	case jobOpenMsg:
		return m.openJob(msg.id)
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.BackgroundColorMsg:
		return m.setBackground(msg.IsDark())
	}
	return m.active().Update(msg)
}

// hold says whether a new snapshot can wait for the next clock tick. Each
// source's result is a snapshot of its own (two or three a refresh), and
// each drawn apart from the clock's frame costs a full render; held, the
// data is at most a second older on screen and an idle console draws one
// frame a second. Without a ticking clock nothing would carry it, and
// until every source has answered once the first data goes out at once.
func (m *Model) hold() bool {
	if m.opts.NoTick || m.snap.At.IsZero() {
		return false
	}
	for _, src := range m.snap.Sources {
		if src.Pending() {
			return false
		}
	}
	return true
}

// cachedFrame is render's text for the current rev.
func (m *Model) cachedFrame() string {
	if m.frameRev != m.rev || m.rev == 0 {
		m.frame, m.frameRev = m.render(), m.rev
	}
	return m.frame
}

// all is every screen: the tabs, then the details on the stack.
func (m *Model) all() []kit.Screen {
	out := append([]kit.Screen{}, m.tabs...)
	for _, s := range m.stack {
		out = append(out, s.screen)
	}
	return out
}

// within is s and every screen drawn inside it (kit.Container), at any
// depth: the screens a reply to one of them must be able to find.
func within(s kit.Screen) []kit.Screen {
	out := []kit.Screen{s}
	if c, ok := s.(kit.Container); ok {
		for _, child := range c.Children() {
			out = append(out, within(child)...)
		}
	}
	return out
}

// broadcast hands msg to every screen (an action ended, a new incident
// board); screens ignore what they do not care about.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.all() {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

// push opens s on top: sized, given the snapshot, then asked for its first
// data, so its requests always find it.
func (m *Model) push(s kit.Screen) tea.Cmd {
	w, h := m.bodySize()
	s.SetSize(w, h)
	if f, ok := s.(kit.SnapshotSetter); ok {
		f.SetSnapshot(m.snap)
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.stack = append(m.stack, stacked{screen: s, ctx: ctx, cancel: cancel})
	if i, ok := s.(kit.Initer); ok {
		return i.Init()
	}
	return nil
}

// pop closes the top detail and cancels what it still has running.
func (m *Model) pop() {
	n := len(m.stack)
	m.stack[n-1].cancel()
	m.stack = m.stack[:n-1]
	m.freshen()
}

// open opens a registered screen by name.
func (m *Model) open(name, arg string) tea.Cmd {
	for _, c := range m.commands {
		if c.Name == name {
			s, err := c.Open(m.common, arg)
			if err != nil {
				return notify(kit.LevelWarn, err.Error())
			}
			return m.push(s)
		}
	}
	return notify(kit.LevelError, "unknown screen "+name)
}

// switchTo shows tab i; a tab that loads its content when shown (the
// deployments' history) says what to fetch.
func (m *Model) switchTo(i int) tea.Cmd {
	m.tab = i
	for len(m.stack) > 0 {
		m.pop()
	}
	m.freshen()
	if a, ok := m.tabs[i].(kit.Activator); ok {
		return a.Activate()
	}
	return nil
}

// deliver hands a new snapshot to what is on screen only: the opened
// details, and the active tab when no detail covers it. The other tabs are
// marked stale and catch up in freshen when shown, so a refresh rebuilds
// one screen's rows instead of every tab's.
func (m *Model) deliver() {
	for i := range m.stale {
		m.stale[i] = true
	}
	for _, s := range m.stack {
		if f, ok := s.screen.(kit.SnapshotSetter); ok {
			f.SetSnapshot(m.snap)
		}
	}
	m.freshen()
}

// freshen brings the active tab up to the current snapshot if it missed
// one while hidden.
func (m *Model) freshen() {
	if len(m.stack) == 0 && m.stale[m.tab] {
		if f, ok := m.tabs[m.tab].(kit.SnapshotSetter); ok {
			f.SetSnapshot(m.snap)
		}
		m.stale[m.tab] = false
	}
}

// setBackground draws with the palette for the terminal's background,
// once it has said which. The *Theme every screen of this console holds
// is remade in place; what screens made from it beforehand (a table's
// styles, the colours of rows built from a snapshot) is remade on
// kit.ThemeMsg.
func (m *Model) setBackground(dark bool) tea.Cmd {
	if !m.opts.Theme.Adaptive() {
		return nil
	}
	p := m.opts.Theme.Palette(dark)
	if p == m.theme.P {
		return nil
	}
	m.theme.Set(p)
	return m.broadcast(kit.ThemeMsg{})
}

func (m *Model) quit() tea.Cmd {
	if n := len(m.running); n > 0 {
		return notify(kit.LevelWarn, fmt.Sprintf("%d action(s) still running: wait for them or ctrl+c to cancel", n))
	}
	for len(m.stack) > 0 {
		m.pop()
	}
	// Every incident change asked for so far reaches the desk before the
	// console goes; the requests' context outlives the console's for that.
	drain := m.serial.drain(context.WithoutCancel(m.ctx))
	m.cancel()
	if drain != nil {
		return func() tea.Msg { drain(); return tea.QuitMsg{} }
	}
	return tea.Quit
}
