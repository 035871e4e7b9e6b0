package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/drtree"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/backend/sim"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/tui/tuitest"
	"github.com/manacore/opsdeck/views/kit"
)

// wizardRig is the console on the demo fleet with simulated actions, a
// real audit log and a real incident desk on a temp dir, as cmd/opsdeck
// wires them.
type wizardRig struct {
	dir   string
	audit string
	fleet *sim.Fleet
	snap  backend.Snapshot
	sa    *sim.Actions
	stop  func() // ends the running desk's Run and waits for it
}

func newWizardRig(t *testing.T) *wizardRig {
	t.Helper()
	dir := t.TempDir()
	r := &wizardRig{dir: dir, audit: filepath.Join(dir, "audit.jsonl"), stop: func() {}}
	r.fleet, r.snap = demoFleet(t)
	r.sa = &sim.Actions{Fleet: r.fleet, Step: time.Millisecond}
	// Runs before TempDir's cleanup (registered later, run earlier): the
	// desk stops touching the directory before it is removed.
	t.Cleanup(func() { r.stop() })
	return r
}

// desk opens the incident desk on the rig's directory, read afresh from
// disk as a restart of opsdeck does, and runs it (backup ages, other
// processes' changes) until the test ends or stop.
func (r *wizardRig) desk(t *testing.T) *incident.Desk {
	t.Helper()
	d, err := incident.OpenDesk(incident.DeskConfig{Dir: filepath.Join(r.dir, "incidents"), Tree: drtree.Default(),
		Backups: r.sa, Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	r.stop = func() { cancel(); <-done }
	return d
}

// console is a console of ana on desk d, as each session of `opsdeck
// serve` is: several share one desk.
func (r *wizardRig) console(t *testing.T, d *incident.Desk) *Model {
	t.Helper()
	log, err := audit.Open(r.audit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	ex := map[backend.ActionKind]backend.ActionExecutor{}
	for _, k := range sim.Kinds {
		ex[k] = r.sa
	}
	runner := &action.Runner{Audit: log, Executors: ex, Journal: d}
	m := New(t.Context(), Options{Hub: &staticHub{snap: r.snap}, Keys: keymap.Default(), Clock: fixedClock, NoTick: true,
		Actions: runner, Actor: backend.Actor{User: "ana", Role: backend.RoleOperator},
		DBServices: map[string][]string{"chat": {"chat-backend"}},
		Deps:       kit.Deps{Incidents: d, Silences: r.sa}})
	m.confirm.grace = 0 // the grace has its own test; here keys come from a script
	return m
}

// start runs a console on d at 100x30, showing its first screen.
func (r *wizardRig) start(t *testing.T, d *incident.Desk) *tuitest.Term {
	t.Helper()
	return startUI(t, r.console(t, d), 100, 30)
}

// incidents are the incidents on disk, read by a store of their own.
func (r *wizardRig) incidents(t *testing.T) []*incident.Incident {
	t.Helper()
	store, _, err := incident.Open(filepath.Join(r.dir, "incidents"))
	if err != nil {
		t.Fatal(err)
	}
	return store.List()
}

// filmstrip collects the screens of a flow into one golden file.
type filmstrip struct {
	t      *testing.T
	tt     *tuitest.Term
	frames []string
}

// frame waits for want and keeps the screen without its status bar: the
// notices there come and go on their own timers.
func (f *filmstrip) frame(title, want string) {
	f.t.Helper()
	f.tt.WaitFor(want)
	lines := strings.Split(strings.TrimRight(f.tt.WaitDrawn(), "\n"), "\n")
	if n := len(lines); n > 0 && strings.Contains(lines[n-1], "? help") {
		lines = lines[:n-1]
	}
	f.frames = append(f.frames, "── "+title+" ──\n"+strings.Join(lines, "\n")+"\n")
}

func TestWizardServiceCrash(t *testing.T) {
	rig := newWizardRig(t)
	tt := rig.start(t, rig.desk(t))
	f := &filmstrip{t: t, tt: tt}
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys("9")
	f.frame("no incident", "No open incident")
	tt.Keys("n")
	f.frame("what failed", "What failed?")
	tt.Keys("enter")
	tt.WaitFor("needs service: press enter to type it") // the desk took the choice
	tt.Keys("enter")
	tt.WaitFor("service (tab completes)")
	tt.Type("chat-b")
	tt.Keys("tab", "enter")
	f.frame("health check failing, with the live answer", "take the live answer")
	tt.Keys("y")
	f.frame("restart step", "enter restart chat-backend")
	tt.Keys("enter")
	f.frame("confirmation", "Type chat-backend and press enter")
	tt.Type("chat-backend")
	tt.Keys("enter")
	f.frame("action done", "✔ done in")
	tt.Keys("esc")
	f.frame("wait 30s", "waiting 30s more")
	tt.Keys("enter")
	tt.WaitFor("▶ Health check passing?")
	tt.Keys("a")
	f.frame("resolved", "POST-INCIDENT ACTIONS")
	report := filepath.Join(rig.dir, "report.md")
	tt.Keys("space", "w")
	tt.Type("API requests failing (100% error rate)")
	tt.Keys("enter")
	tt.Type("~500 active users")
	tt.Keys("enter")
	tt.Type("OOM killer terminated process (memory leak)")
	tt.Keys("enter")
	tt.Type("Increase memory limit to 1GB; Add memory monitoring alert")
	tt.Keys("enter")
	tt.WaitFor("write the report to")
	tt.Keys("ctrl+u") // clear the suggested name
	tt.Type(report)
	tt.Keys("enter")
	tt.WaitFor("report written to")
	quit(tt)
	golden.RequireEqual(t, []byte(strings.Join(f.frames, "\n")))

	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Subject: [INCIDENT] Service crash - chat-backend", "**Status:** RESOLVED",
		"API requests failing (100% error rate)", "~500 active users", "restart chat-backend: ok (ana)",
		"Health check passing?: yes (live: 2/2 containers running and healthy)", "1. Increase memory limit to 1GB",
		"2. Add memory monitoring alert", "- [x] Document timeline in incident log", "RTO:** 0 s (target 2 min: met)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// The audit log has the restart, before and after, on this incident.
	entries, _, err := audit.Read(rig.audit)
	if err != nil {
		t.Fatal(err)
	}
	pairs := audit.Pairs(entries)
	if len(pairs) != 1 || pairs[0].After == nil || pairs[0].After.Result != audit.ResultOK ||
		pairs[0].Before.Kind != backend.ActKindRestart || pairs[0].Before.User != "ana" || pairs[0].Before.Incident == "" {
		t.Fatalf("audit %+v", pairs)
	}
}

func TestWizardDatabaseCorruption(t *testing.T) {
	rig := newWizardRig(t)
	tt := rig.start(t, rig.desk(t))
	f := &filmstrip{t: t, tt: tt}
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys("9", "n")
	tt.WaitFor("▶ What failed?")
	tt.Keys("down", "enter")
	tt.WaitFor("needs database: press enter to type it")
	tt.Keys("enter")
	tt.WaitFor("database (tab completes)")
	tt.Type("chat")
	tt.Keys("enter")
	f.frame("verify scope, live says up, RPO shown", "RPO at stake")
	tt.Keys("y") // the operator knows better than the pool probe
	tt.WaitFor("▶ Stop affected services")
	tt.Keys("enter")
	tt.WaitFor("service (tab completes)")
	tt.Type("chat-backend")
	tt.Keys("enter")
	tt.WaitFor("(confirmed first)") // the desk took the service
	tt.Keys("enter")
	tt.WaitFor("Type chat-backend and press enter")
	tt.Type("chat-backend")
	tt.Keys("enter")
	tt.WaitFor("✔ done in")
	tt.Keys("esc")
	f.frame("download backup checklist", "Download backup")
	tt.Keys("space", "down", "space", "enter")
	tt.WaitFor("▶ Restore from latest backup")
	tt.Keys("enter")
	f.frame("restore confirmation with the dumps", "Type chat and press enter")
	tt.Type("chat")
	tt.Keys("enter")
	tt.WaitFor("✔ done in")
	tt.Keys("esc")
	tt.WaitFor("▶ DB up?")
	tt.Keys("a")
	tt.WaitFor("▶ Restart services")
	tt.Keys("enter")
	tt.WaitFor("Proceed? y confirm")
	tt.Keys("y")
	tt.WaitFor("✔ done in")
	tt.Keys("esc")
	tt.WaitFor("▶ Services UP?")
	tt.Keys("a")
	tt.WaitFor("▶ Verify data integrity")
	tt.Keys("space", "down", "space", "down", "space", "enter")
	f.frame("resolved", "POST-INCIDENT ACTIONS")
	quit(tt)
	golden.RequireEqual(t, []byte(strings.Join(f.frames, "\n")))

	incs := rig.incidents(t)
	if len(incs) != 1 || incs[0].Open() || incs[0].RTO != 20*time.Minute || incs[0].RPOAtStake <= 0 {
		t.Fatalf("incident %+v", incs)
	}
	var kinds []string
	for _, p := range auditPairs(t, rig) {
		kinds = append(kinds, string(p.Before.Kind)+"="+p.After.Result)
	}
	if got := strings.Join(kinds, " "); got != "stop=ok restore=ok start=ok" {
		t.Fatalf("audited actions %q", got)
	}
}

func auditPairs(t *testing.T, rig *wizardRig) []audit.Pair {
	t.Helper()
	entries, _, err := audit.Read(rig.audit)
	if err != nil {
		t.Fatal(err)
	}
	return audit.Pairs(entries)
}

func TestWizardFullServerFailureResumesAfterRestart(t *testing.T) {
	rig := newWizardRig(t)
	tt := rig.start(t, rig.desk(t))
	f := &filmstrip{t: t, tt: tt}
	tt.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt.Keys("9", "n")
	tt.WaitFor("▶ What failed?")
	tt.Keys("down", "down", "enter")
	f.frame("verify total server down, escalation due", "ESCALATE NOW")
	tt.Keys("y")
	tt.WaitFor("▶ Activate standby server")
	tt.Keys("space", "down", "space")
	f.frame("standby checklist half done", "[x] Restore DBs")
	quit(tt)

	// opsdeck restarts: the incident and the ticks are still there.
	rig.stop()
	tt2 := rig.start(t, rig.desk(t))
	f.tt = tt2
	tt2.WaitFor("SYSTEM HEALTH OVERVIEW")
	tt2.Keys("9")
	f.frame("resumed after restart", "Activate standby server")
	tt2.Keys("down", "down", "space", "enter")
	tt2.WaitFor("▶ Verify services healthy")
	tt2.Keys("a")
	f.frame("resolved", "POST-INCIDENT ACTIONS")
	quit(tt2)
	golden.RequireEqual(t, []byte(strings.Join(f.frames, "\n")))

	inc := rig.incidents(t)[0]
	if inc.Open() || inc.RTO != 2*time.Hour || len(inc.Escalations) != 1 {
		t.Fatalf("incident %+v", inc)
	}
}

// Two consoles on one desk (two `opsdeck serve` sessions): what the first
// answers is the second's screen too.
func TestSecondConsoleSeesTheIncident(t *testing.T) {
	rig := newWizardRig(t)
	d := rig.desk(t)
	first, second := rig.start(t, d), rig.start(t, d)
	second.Keys("9")
	second.WaitFor("No open incident")
	first.Keys("9", "n")
	first.WaitFor("▶ What failed?")
	second.WaitFor("▶ What failed?")
	first.Keys("enter") // service crash
	first.WaitFor("needs service: press enter to type it")
	second.WaitFor("needs service: press enter to type it")
	first.Keys("enter")
	first.WaitFor("service (tab completes)")
	first.Type("chat-backend\n")
	first.WaitFor("Is the health check of chat-backend failing?")
	second.WaitFor("Is the health check of chat-backend failing?")
	if n := len(rig.incidents(t)); n != 1 {
		t.Fatalf("%d incidents, want 1", n)
	}
}

// Two processes on one state directory, each with its own desk: the
// second to press n joins the incident the first opened instead of
// opening another.
func TestSecondProcessJoinsTheOpenIncident(t *testing.T) {
	rig := newWizardRig(t)
	// The second process's desk, opened before the incident and not run:
	// it has not seen the incident when its console presses n.
	other, err := incident.OpenDesk(incident.DeskConfig{Dir: filepath.Join(rig.dir, "incidents"), Tree: drtree.Default(), Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	first := rig.start(t, rig.desk(t))
	first.Keys("9", "n")
	first.WaitFor("▶ What failed?")
	first.Keys("enter")
	first.WaitFor("needs service: press enter to type it")
	first.Keys("enter")
	first.WaitFor("service (tab completes)")
	first.Type("chat-backend\n")
	first.WaitFor("Is the health check of chat-backend failing?")

	second := rig.start(t, other)
	second.Keys("9")
	second.WaitFor("DISASTER RECOVERY")
	second.Keys("n")
	// The board and the notice come apart (the desk publishes, the
	// operation answers): wait for both.
	second.WaitScreen("the second console at the first one's step, saying it joined", func(s string) bool {
		return strings.Contains(s, "Is the health check of chat-backend failing?") && strings.Contains(s, "joined the incident already open")
	})
	if n := len(rig.incidents(t)); n != 1 {
		t.Fatalf("%d incidents, want 1", n)
	}
}
