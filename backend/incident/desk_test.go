package incident

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/action"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/drtree"
)

var (
	ana = backend.Actor{User: "ana", Role: backend.RoleOperator}
	bob = backend.Actor{User: "bob", Fingerprint: "SHA256:bob", Role: backend.RoleOperator}
	vic = backend.Actor{User: "vic", Role: backend.RoleViewer}
)

// fakeClock is the desk's clock in tests: it moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeAger answers the newest backup as age before the clock's now, and
// records when (by the desk's clock) it was asked.
type fakeAger struct {
	clock *fakeClock
	age   time.Duration
	mu    sync.Mutex
	asked []time.Time
}

func (f *fakeAger) NewestBackup(_ context.Context, db string) (time.Time, error) {
	now := f.clock.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, now)
	return now.Add(-f.age), nil
}

func (f *fakeAger) calls() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.asked...)
}

func openDesk(t *testing.T, dir string, clock *fakeClock, ager backend.BackupAger) *Desk {
	t.Helper()
	cfg := DeskConfig{Dir: dir, Tree: drtree.Default(), Backups: ager}
	if clock != nil {
		cfg.Clock = clock.Now
	}
	d, err := OpenDesk(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// must fails the test on an operation's error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// at checks that the walk is at node.
func at(t *testing.T, d *Desk, node string) Board {
	t.Helper()
	b := d.Board()
	if b.Walk == nil || b.Walk.Current().ID != node {
		got := "no walk (" + b.Problem + ")"
		if b.Walk != nil {
			got = b.Walk.Current().ID
		}
		t.Fatalf("walk at %s, want %s", got, node)
	}
	return b
}

// timeline is the incident's events as "kind|actor|text" lines.
func timeline(inc *Incident) []string {
	var out []string
	for _, e := range inc.Timeline {
		out = append(out, string(e.Kind)+"|"+e.Actor+"|"+e.Text)
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// ended tells the desk, as the runner would, that an action ended.
func ended(d *Desk, a backend.Action, result string, err error) {
	d.ActionEnded(action.Outcome{Action: a, Result: result, Err: err})
}

func restart(origin string, by backend.Actor) backend.Action {
	return backend.Action{ID: "a1", Kind: backend.ActKindRestart, Target: "chat-backend", Actor: by, Origin: origin}
}

// The seed's service crash, as TestWizardServiceCrash walks it.
func TestDeskServiceCrash(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	d := openDesk(t, dir, clock, nil)
	if b := d.Board(); b.Incident != nil || b.Walk != nil || d.OpenID() != "" {
		t.Fatalf("fresh desk shows %+v", b)
	}
	joined, err := d.Start(ana)
	if err != nil || joined {
		t.Fatalf("start: %v joined=%v", err, joined)
	}
	b := at(t, d, "what_failed")
	if b.Incident.Title != "Incident under investigation" || !b.Incident.Started.Equal(t0) || d.OpenID() != b.Incident.ID {
		t.Fatalf("new incident %+v", b.Incident)
	}
	must(t, d.Choose(ana, "what_failed", 0))
	must(t, d.SetVar(ana, "service", "chat-backend"))
	sick := fleetSnap(true, []backend.Service{svc("chat-backend",
		ctr("chat-backend-1", backend.StateRunning, backend.HealthHealthy), ctr("chat-backend-2", backend.StateRunning, backend.HealthUnhealthy))}, nil)
	clock.Add(10 * time.Second)
	must(t, d.AnswerLive(ana, "sc_health_failing", sick))
	at(t, d, "sc_restart")

	d.ActionStarted(restart("sc_restart", ana))
	if b := d.Board(); b.Awaiting != "sc_restart" {
		t.Fatalf("awaiting %q while the restart runs", b.Awaiting)
	}
	clock.Add(20 * time.Second)
	ended(d, restart("sc_restart", ana), audit.ResultOK, nil)
	if b := at(t, d, "sc_wait"); b.Awaiting != "" {
		t.Fatalf("still awaiting %q after the restart ended", b.Awaiting)
	}
	clock.Add(5 * time.Second)
	must(t, d.SkipWait(ana, "sc_wait"))
	healthy := fleetSnap(true, []backend.Service{svc("chat-backend",
		ctr("chat-backend-1", backend.StateRunning, backend.HealthHealthy), ctr("chat-backend-2", backend.StateRunning, backend.HealthHealthy))}, nil)
	clock.Add(25 * time.Second)
	must(t, d.AnswerLive(ana, "sc_health_passing", healthy))

	b = at(t, d, "sc_resolved")
	inc := b.Incident
	if inc.Open() || !inc.Resolved.Equal(t0.Add(time.Minute)) || d.OpenID() != "" {
		t.Fatalf("not resolved: %+v", inc)
	}
	if inc.Title != "Service crash - chat-backend" || inc.Branch != "Service crash" || inc.RTO != 2*time.Minute ||
		strings.Join(inc.Services, ",") != "chat-backend" || len(inc.Escalations) != 0 || inc.RPOAtStake != 0 {
		t.Fatalf("resolved incident %+v", inc)
	}
	sameLines(t, "timeline", timeline(inc), []string{
		"status|ana|Incident opened: Incident under investigation",
		"answer|ana|What failed?: Service crash",
		"answer|ana|service: chat-backend",
		"answer|ana|Health check failing?: yes (live: chat-backend-2 is unhealthy)",
		"action|ana|restart chat-backend: ok",
		"step|ana|Restart container: ok",
		"step|ana|Wait 30s: skipped after 5s",
		"answer|ana|Health check passing?: yes (live: 2/2 containers running and healthy)",
		"status|ana|Resolved after 1 min",
	})
	// The walk keeps the live answers as the probe's.
	path := b.Walk.Path()
	if path[1].By != drtree.ByLive || path[4].By != drtree.ByLive || path[2].By != "ana" {
		t.Fatalf("steps by %q %q %q", path[1].By, path[2].By, path[4].By)
	}

	// The board goes on showing the resolved incident: its checklist and
	// its report.
	must(t, d.TickPostIncident(ana, 0))
	if b := d.Board(); b.Incident == nil || !b.Incident.PostIncident[0].Done {
		t.Fatalf("post-incident item not ticked: %+v", b.Incident)
	}
	report := filepath.Join(t.TempDir(), "report.md")
	facts := ReportFacts{Impact: "API requests failing (100% error rate)", AffectedUsers: "~500 active users",
		RootCause: "OOM killer terminated process (memory leak)", ActionItems: []string{"Increase memory limit to 1GB", " ", "Add memory monitoring alert"}}
	written, err := d.WriteReport(ana, facts, report)
	must(t, err)
	if written != report {
		t.Fatalf("report written to %q, asked %q", written, report)
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Subject: [INCIDENT] Service crash - chat-backend", "**Status:** RESOLVED",
		"API requests failing (100% error rate)", "~500 active users", "restart chat-backend: ok (ana)",
		"Health check passing?: yes (live: 2/2 containers running and healthy) (ana)", "1. Increase memory limit to 1GB",
		"2. Add memory monitoring alert", "- [x] Document timeline in incident log", "RTO:** 1 min (target 2 min: met)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// An existing report is kept; the new facts are stored all the same.
	facts.RootCause = "changed"
	if _, err := d.WriteReport(ana, facts, report); !errors.Is(err, ErrExists) {
		t.Fatalf("report overwritten: %v", err)
	}
	if again, _ := os.ReadFile(report); string(again) != string(md) {
		t.Fatal("refused report changed the file")
	}
	if b := d.Board(); b.Incident.RootCause != "changed" || len(b.Incident.ActionItems) != 2 {
		t.Fatalf("facts %q %q", b.Incident.RootCause, b.Incident.ActionItems)
	}
	// A new incident replaces the resolved one on the board.
	if joined, err := d.Start(bob); err != nil || joined {
		t.Fatalf("second incident: %v %v", joined, err)
	}
	if b := d.Board(); b.Incident.ID == inc.ID || !b.Incident.Open() {
		t.Fatalf("board after a new start: %+v", b.Incident)
	}
}

// The database corruption branch, as TestWizardDatabaseCorruption walks
// it, with the RPO at stake from the desk's own backup question.
func TestDeskDatabaseCorruption(t *testing.T) {
	clock := newClock()
	ager := &fakeAger{clock: clock, age: 3*time.Hour + 12*time.Minute}
	d := openDesk(t, t.TempDir(), clock, ager)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)
	sub := d.Subscribe(ctx)

	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 1))
	must(t, d.SetVar(ana, "database", "chat"))
	b := awaitBoard(t, sub, "the backup age", func(b Board) bool { return b.Backup != nil && !b.Backup.Checked.IsZero() })
	if b.Backup.Database != "chat" || b.Backup.Err != nil || !b.Backup.Newest.Equal(t0.Add(-ager.age)) {
		t.Fatalf("backup %+v", b.Backup)
	}
	if b.Walk.EscalationDue() != true {
		t.Fatal("the escalation is not due at the scope check")
	}
	must(t, d.Answer(ana, "db_verify_scope", true))
	must(t, d.SetVar(ana, "service", "chat-backend"))
	stop := backend.Action{Kind: backend.ActKindStop, Target: "chat-backend", Actor: ana, Origin: "db_stop_services"}
	ended(d, stop, audit.ResultOK, nil)
	for i := range 2 {
		must(t, d.Tick(ana, "db_download_backup", i))
	}
	must(t, d.Complete(ana, "db_download_backup"))
	ended(d, backend.Action{Kind: backend.ActKindRestore, Target: "chat", Actor: ana, Origin: "db_restore"}, audit.ResultOK, nil)
	up := fleetSnap(true, []backend.Service{svc("chat-backend", ctr("chat-backend-1", backend.StateRunning, backend.HealthHealthy))},
		[]backend.DBPool{{Name: "chat", Up: true}})
	must(t, d.AnswerLive(ana, "db_up", up))
	ended(d, backend.Action{Kind: backend.ActKindStart, Target: "chat-backend", Actor: ana, Origin: "db_start_services"}, audit.ResultOK, nil)
	must(t, d.AnswerLive(ana, "db_services_up", up))
	for i := range 3 {
		must(t, d.Tick(ana, "db_verify_integrity", i))
	}
	clock.Add(7 * time.Minute)
	must(t, d.Complete(ana, "db_verify_integrity"))

	inc := at(t, d, "db_resolved").Incident
	if inc.Open() || inc.Title != "Database corruption - chat" || inc.RTO != 20*time.Minute || inc.RPO != 24*time.Hour ||
		inc.RPOAtStake != ager.age+7*time.Minute || strings.Join(inc.Services, ",") != "chat-backend" {
		t.Fatalf("incident %+v", inc)
	}
	if strings.Join(inc.Escalations, ";") != "Database admin + CTO (database corruption)" {
		t.Fatalf("escalations %q", inc.Escalations)
	}
	sameLines(t, "timeline", timeline(inc)[1:], []string{
		"answer|ana|What failed?: Database corruption",
		"answer|ana|database: chat",
		"answer|ana|Verify scope of corruption: yes",
		"answer|ana|service: chat-backend",
		"action|ana|stop chat-backend: ok",
		"step|ana|Stop affected services: ok",
		"step|ana|Download backup: done",
		"action|ana|restore chat: ok",
		"step|ana|Restore from latest backup: ok",
		"answer|ana|DB up?: yes (live: chat answers)",
		"action|ana|start chat-backend: ok",
		"step|ana|Restart services: ok",
		"answer|ana|Services UP?: yes (live: 1/1 containers running and healthy)",
		"step|ana|Verify data integrity: done",
		"status|ana|Resolved after 7 min",
	})
}

// The full server failure, resumed by a desk opened afresh (a restart of
// opsdeck) with its checklist ticks, as
// TestWizardFullServerFailureResumesAfterRestart walks it.
func TestDeskFullServerFailureResumes(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	d := openDesk(t, dir, clock, nil)
	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 2))
	if b := at(t, d, "fs_verify_down"); !b.Walk.EscalationDue() {
		t.Fatal("escalation not due")
	}
	must(t, d.Answer(ana, "fs_verify_down", true))
	must(t, d.Tick(ana, "fs_standby", 0))
	must(t, d.Tick(ana, "fs_standby", 1))

	d2 := openDesk(t, dir, clock, nil)
	b := at(t, d2, "fs_standby")
	if !b.Walk.Ticked(0) || !b.Walk.Ticked(1) || b.Walk.Ticked(2) {
		t.Fatal("ticks not resumed")
	}
	if err := d2.Complete(ana, "fs_standby"); !errors.Is(err, drtree.ErrNotReady) {
		t.Fatalf("completed with an item unticked: %v", err)
	}
	must(t, d2.Tick(ana, "fs_standby", 2))
	must(t, d2.Complete(ana, "fs_standby"))
	clock.Add(90 * time.Minute)
	must(t, d2.Answer(bob, "fs_verify_healthy", true))
	inc := at(t, d2, "fs_resolved").Incident
	if inc.Open() || inc.RTO != 2*time.Hour || strings.Join(inc.Escalations, ";") != "Infrastructure team + CEO (full server failure)" {
		t.Fatalf("incident %+v", inc)
	}
	sameLines(t, "timeline", timeline(inc)[1:], []string{
		"answer|ana|What failed?: Full server failure",
		"answer|ana|Verify total server down: yes",
		"step|ana|Activate standby server: done",
		"answer|bob (SHA256:bob)|Verify services healthy: yes",
		"status|bob (SHA256:bob)|Resolved after 1 h 30 min",
	})
}

// Two consoles on one directory: the second to start joins the first's.
func TestDeskSecondStartJoins(t *testing.T) {
	dir := t.TempDir()
	d1 := openDesk(t, dir, nil, nil)
	d2 := openDesk(t, dir, nil, nil)
	if joined, err := d1.Start(ana); joined || err != nil {
		t.Fatal(joined, err)
	}
	must(t, d1.Choose(ana, "what_failed", 0))
	joined, err := d2.Start(bob)
	if !joined || err != nil {
		t.Fatalf("second start: joined=%v %v", joined, err)
	}
	b := at(t, d2, "sc_health_failing")
	if b.Incident.ID != d1.OpenID() || len(d2.store.List()) != 1 {
		t.Fatalf("joined %s, open %s, %d incidents", b.Incident.ID, d1.OpenID(), len(d2.store.List()))
	}
}

func awaitBoard(t *testing.T, sub <-chan Board, what string, ok func(Board) bool) Board {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case b, open := <-sub:
			if !open {
				t.Fatalf("subscription closed waiting for %s", what)
			}
			if ok(b) {
				return b
			}
		case <-deadline:
			t.Fatalf("no board with %s within 5s", what)
		}
	}
}

// A security breach ends handed over to the Security team, not resolved:
// the incident says to whom and when, its timeline and its report too.
func TestDeskSecurityBreachIsHandedOver(t *testing.T) {
	clock := newClock()
	d := openDesk(t, t.TempDir(), clock, nil)
	_, err := d.Start(ana)
	must(t, err)
	must(t, d.Choose(ana, "what_failed", 3))
	at(t, d, "sb_escalate")
	must(t, d.Tick(ana, "sb_escalate", 0))
	must(t, d.Tick(ana, "sb_escalate", 1))
	must(t, d.Complete(ana, "sb_escalate"))
	at(t, d, "sb_contain")
	if err := d.Complete(ana, "sb_contain"); err == nil {
		t.Fatal("containment done with nothing ticked")
	}
	for i := range 4 {
		must(t, d.Tick(ana, "sb_contain", i))
	}
	clock.Add(2 * time.Minute)
	must(t, d.Complete(ana, "sb_contain"))
	inc := at(t, d, "sb_handed_over").Incident
	if inc.Open() || inc.Status != StatusHandedOver || inc.HandedTo != "Security team" || !inc.Resolved.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("incident after the hand-over: status %q to %q at %v", inc.Status, inc.HandedTo, inc.Resolved)
	}
	lines := timeline(inc)
	if last := lines[len(lines)-1]; last != "status|ana|Handed over to Security team after 2 min" {
		t.Fatalf("last timeline entry %q", last)
	}
	md := Markdown(inc, clock.Now())
	for _, want := range []string{"- **Status:** HANDED OVER", "- **Handed over:** to Security team, "} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "RESOLVED") || strings.Contains(md, "**Resolved:**") {
		t.Errorf("report says resolved:\n%s", md)
	}
}

// A report named without a directory goes under the desk's reports
// directory, made when first needed; the path it returns is absolute.
func TestReportNamedAloneGoesUnderReports(t *testing.T) {
	dir := t.TempDir()
	reports := filepath.Join(dir, "state", "reports")
	d, err := OpenDesk(DeskConfig{Dir: filepath.Join(dir, "incidents"), Reports: reports, Tree: drtree.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Start(ana); err != nil {
		t.Fatal(err)
	}
	got, err := d.WriteReport(ana, ReportFacts{RootCause: "x"}, "incident-1.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(reports, "incident-1.md"); got != want || !filepath.IsAbs(got) {
		t.Fatalf("written to %q, want %q", got, want)
	}
	if _, err := os.Stat(got); err != nil {
		t.Fatal(err)
	}
}
