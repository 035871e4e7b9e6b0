package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views"
	"github.com/manacore/opsdeck/views/theme"
)

// MinWidth and MinHeight are the smallest terminal opsdeck lays out in.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Options configure the root model.
type Options struct {
	Hub      backend.Hub
	Keys     *keymap.KeyMap // nil: keymap.Default()
	Theme    *theme.Theme   // nil: theme.Default()
	Clock    func() time.Time
	ReadOnly bool
	// Checker runs the health checks (c, :check); nil: none configured.
	Checker backend.HealthChecker
	// Logs follows a service's logs (l); nil: no log source.
	Logs backend.LogStreamer
	// Ranges gives the p95 history for the 24-hour chart; nil: none.
	Ranges backend.RangeQuerier
	// NoTick stops the header clock from ticking (tests pin the clock).
	NoTick bool
	// Actor is who this console acts as (the local user, or an SSH
	// session's user, key and role); a viewer cannot act.
	Actor backend.Actor
	// Actions plans and runs fleet actions; nil: none configured.
	Actions backend.ActionRunner
	// Incidents keeps incidents on disk; Tree is the disaster-recovery
	// decision tree the wizard walks; Backups tells the RPO at stake. Any
	// may be nil.
	Incidents views.IncidentStore
	Tree      *drtree.Tree
	Backups   backend.BackupAger
	// Silences lists Alertmanager's silences; nil: no Alertmanager.
	Silences backend.SilenceLister
	// DBServices are the services that use each database.
	DBServices map[string][]string
	// Deployments are the blue/green projects; AuditPairs reads the audit
	// log for their history (nil: no history).
	Deployments []deploy.Spec
	AuditPairs  func(ctx context.Context) ([]audit.Pair, error)
	// NoExport refuses the export report: it writes files where opsdeck
	// runs, which a remote `opsdeck serve` session must not choose.
	NoExport bool
}

// Model is the root model.
type Model struct {
	opts   Options
	common views.Common
	ctx    context.Context
	cancel context.CancelFunc
	sub    <-chan backend.Snapshot

	snap  backend.Snapshot
	tabs  []views.View // the top-level views, in tab order
	tab   int
	stack []views.View // details opened on top of the active tab
	stale []bool       // per tab: m.snap not handed to it yet (see deliver)

	width, height int
	palette       palette
	export        exportPrompt
	confirm       confirmDialog
	running       map[string]*running // executing actions by ID
	persist       *persistQueue       // incident changes to the store; nil without one
	showHelp      bool
	notice        notice
	now           time.Time

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

// New builds the root model with the overview and services views.
func New(opts Options) *Model {
	if opts.Keys == nil {
		opts.Keys = keymap.Default()
	}
	if opts.Theme == nil {
		opts.Theme = theme.Default()
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Actor.User == "" {
		// A console started by hand acts as its local user; cmd/opsdeck
		// names them, `opsdeck serve` passes each session's identity.
		opts.Actor = backend.Actor{User: "local", Role: backend.RoleOperator}
	}
	if opts.ReadOnly {
		opts.Actor.Role = backend.RoleViewer
	}
	c := views.Common{Theme: opts.Theme, Keys: opts.Keys, Now: opts.Clock, DBServices: opts.DBServices, Deployments: opts.Deployments}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{opts: opts, common: c, ctx: ctx, cancel: cancel, now: opts.Clock()}
	m.tabs = append(newTabs(c), newWizard(c, opts), views.NewDeploys(c))
	m.stale = make([]bool, len(m.tabs))
	registerTabs(opts.Keys, m.tabs)
	if opts.Incidents != nil {
		m.persist = newPersistQueue(opts.Incidents)
	}
	if opts.ReadOnly {
		opts.Keys.DropDangerous()
	}
	m.palette = newPalette(m.commands())
	m.export = newExportPrompt()
	m.confirm = newConfirmDialog()
	m.running = map[string]*running{}
	m.notice.render = func(l level, text string) string {
		switch l {
		case levelError:
			return opts.Theme.Down.Render("✖ " + text)
		case levelWarn:
			return opts.Theme.Warn.Render("▲ " + text)
		}
		return opts.Theme.Text.Render(text)
	}
	return m
}

// newTabs builds the top-level views in tab order.
func newTabs(c views.Common) []views.View {
	return []views.View{
		views.NewOverview(c), views.NewServices(c), views.NewFleet(c), views.NewLatency(c),
		views.NewAlerts(c), views.NewDatabases(c), views.NewDependencies(c), views.NewResources(c),
	}
}

// newWizard is the incident tab, resuming the store's open incident.
func newWizard(c views.Common, opts Options) *views.Wizard {
	var open *incident.Incident
	if opts.Incidents != nil {
		open = opts.Incidents.Current()
	}
	return views.NewWizard(c, opts.Tree, open, opts.Actor.String())
}

// RegisterViews adds the view switch bindings (1, 2, ...) to k, so a config
// can rebind them ("view.services") before the UI starts.
func RegisterViews(k *keymap.KeyMap) {
	c := views.Common{Keys: k, Theme: theme.Default()}
	registerTabs(k, append(newTabs(c), newWizard(c, Options{}), views.NewDeploys(c)))
}

func registerTabs(k *keymap.KeyMap, tabs []views.View) {
	for i, v := range tabs {
		if _, ok := k.Views[v.Name()]; !ok {
			k.AddView(v.Name(), v.Title(), i+1)
		}
	}
}

// SnapshotMsg carries a new snapshot from the hub.
type SnapshotMsg struct{ Snapshot backend.Snapshot }

type tickMsg time.Time

// Init subscribes to the hub and starts the clock.
func (m *Model) Init() tea.Cmd {
	m.sub = m.opts.Hub.Subscribe(m.ctx)
	cmds := []tea.Cmd{waitSnapshot(m.sub)}
	if m.persist != nil {
		cmds = append(cmds, m.persist.wait())
	}
	if !m.opts.NoTick {
		cmds = append(cmds, tick())
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

// tick fires on the next whole second so the clock changes in step.
func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func (m *Model) active() views.View {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return m.tabs[m.tab]
}

func (m *Model) bodySize() (int, int) { return m.width, max(m.height-3, 0) }

// Update routes a message, then queues the incident changes the wizard
// made while handling it, in the order it made them.
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
	model, cmd := m.update(msg)
	if w := m.wizard(); w != nil {
		if changes := w.TakeChanges(); len(changes) > 0 {
			cmd = tea.Batch(cmd, m.queueChanges(changes))
		}
	}
	return model, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		w, h := m.bodySize()
		for _, v := range m.all() {
			v.SetSize(w, h)
		}
		m.palette.setWidth(msg.Width)
		return m, nil
	case SnapshotMsg:
		m.snap = msg.Snapshot
		m.deliver()
		return m, waitSnapshot(m.sub)
	case tickMsg:
		m.now = time.Time(msg)
		if m.opts.Clock != nil {
			m.now = m.opts.Clock()
		}
		// The wizard's countdowns and RTO clock run even when not shown.
		cmds := []tea.Cmd{tick(), m.wizard().Update(views.TickMsg(m.now))}
		if a := m.active(); a != views.View(m.wizard()) {
			cmds = append(cmds, a.Update(views.TickMsg(m.now)))
		}
		return m, tea.Batch(cmds...)
	case noticeMsg:
		return m, m.notice.show(msg)
	case clearNoticeMsg:
		m.notice.clear(msg)
		return m, nil
	case views.PushMsg:
		w, h := m.bodySize()
		msg.View.SetSize(w, h)
		msg.View.SetSnapshot(m.snap)
		m.stack = append(m.stack, msg.View)
		return m, nil
	case views.ActionMsg:
		return m, m.action(msg)
	case planMsg:
		return m, m.planned(msg)
	case actionOutputMsg:
		return m, m.actionOutput(msg)
	case actionDoneMsg:
		return m, m.actionDone(msg)
	case views.RunChecksMsg:
		return m, m.runChecks()
	case views.RangeRequestMsg:
		return m, m.fetchRange(msg)
	case views.DeployHistoryRequestMsg:
		return m, m.fetchDeployHistory()
	case views.DeployHistoryMsg:
		if d := m.deploys(); d != nil {
			return m, d.Update(msg)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	if cmd, ok := m.incidentMsg(msg); ok {
		return m, cmd
	}
	return m, m.active().Update(msg)
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

func (m *Model) all() []views.View {
	return append(append([]views.View{}, m.tabs...), m.stack...)
}

// switchTo shows tab i; a tab that loads its content when shown (the
// deployments' history) says what to fetch.
func (m *Model) switchTo(i int) tea.Cmd {
	m.tab = i
	for _, v := range m.stack {
		closeView(v)
	}
	m.stack = nil
	m.freshen()
	if a, ok := m.tabs[i].(interface{ Activate() tea.Cmd }); ok {
		return a.Activate()
	}
	return nil
}

// deliver hands a new snapshot to what is on screen only: the opened
// details, and the active tab when no detail covers it. The other tabs are
// marked stale and catch up in freshen when shown, so a refresh rebuilds
// one view's rows instead of every tab's.
func (m *Model) deliver() {
	for i := range m.stale {
		m.stale[i] = true
	}
	for _, v := range m.stack {
		v.SetSnapshot(m.snap)
	}
	m.freshen()
}

// freshen brings the active tab up to the current snapshot if it missed
// one while hidden.
func (m *Model) freshen() {
	if len(m.stack) == 0 && m.stale[m.tab] {
		m.tabs[m.tab].SetSnapshot(m.snap)
		m.stale[m.tab] = false
	}
}

// closeView releases what a view holds open (a log stream).
func closeView(v views.View) {
	if c, ok := v.(interface{ Close() }); ok {
		c.Close()
	}
}

func (m *Model) quit() tea.Cmd {
	if n := len(m.running); n > 0 {
		return notify(levelWarn, fmt.Sprintf("%d action(s) still running: wait for them or ctrl+c to cancel", n))
	}
	for _, v := range m.stack {
		closeView(v)
	}
	m.cancel()
	if q := m.persist; q != nil {
		// Every incident change made so far reaches the disk before exit.
		m.persist = nil
		return func() tea.Msg { q.drain(persistDrainLimit); return tea.QuitMsg{} }
	}
	return tea.Quit
}

// persistDrainLimit bounds waiting for queued incident changes at exit.
const persistDrainLimit = 5 * time.Second

// action opens logs or starts the confirm flow of a fleet action.
func (m *Model) action(a views.ActionMsg) tea.Cmd {
	if a.Kind == views.ActionLogs {
		if m.opts.Logs == nil {
			return notify(levelWarn, "logs: no log source configured")
		}
		return views.OpenLogs(m.common, m.opts.Logs, a.Service)
	}
	return m.requestAction(a)
}

// deploys is the deployments tab.
func (m *Model) deploys() *views.Deploys {
	for _, v := range m.tabs {
		if d, ok := v.(*views.Deploys); ok {
			return d
		}
	}
	return nil
}
