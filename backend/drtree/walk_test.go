package drtree

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 11, 27, 12, 34, 0, 0, time.UTC)

// walk drives a walker in tests, failing on the first error.
type walk struct {
	t   *testing.T
	w   *Walker
	now time.Time
}

func newWalk(t *testing.T, tr *Tree) *walk { return &walk{t: t, w: tr.Start(t0), now: t0} }

func (k *walk) tick() time.Time { k.now = k.now.Add(time.Minute); return k.now }

func (k *walk) must(err error) {
	k.t.Helper()
	if err != nil {
		k.t.Fatal(err)
	}
}

func (k *walk) at(id string) {
	k.t.Helper()
	if got := k.w.Current().ID; got != id {
		k.t.Fatalf("at %s, want %s (path %v)", got, id, k.w.Path())
	}
}

func (k *walk) choose(label string) {
	k.t.Helper()
	for i, o := range k.w.Current().Options {
		if o.Label == label {
			k.must(k.w.Choose(i, "alice", k.tick()))
			return
		}
	}
	k.t.Fatalf("%s has no option %q", k.w.Current().ID, label)
}

func (k *walk) answer(yes bool)    { k.t.Helper(); k.must(k.w.Answer(yes, "alice", "", k.tick())) }
func (k *walk) action(ok bool)     { k.t.Helper(); k.must(k.w.ActionDone(ok, "", "alice", k.tick())) }
func (k *walk) waited()            { k.t.Helper(); k.must(k.w.WaitDone("alice", k.tick())) }
func (k *walk) set(name, v string) { k.t.Helper(); k.must(k.w.SetVar(name, v)) }

// complete ticks every item of the current manual step and completes it.
func (k *walk) complete() {
	k.t.Helper()
	for i := range k.w.Current().Items {
		k.must(k.w.Tick(i, true))
	}
	k.must(k.w.Complete("alice", k.tick()))
}

func (k *walk) wantAction(kind, target, params string) {
	k.t.Helper()
	a, err := k.w.Action()
	k.must(err)
	if string(a.Kind) != kind || a.Target != target || a.ParamString() != params {
		k.t.Fatalf("action %s %s %q, want %s %s %q", a.Kind, a.Target, a.ParamString(), kind, target, params)
	}
}

func TestServiceCrashHappyPath(t *testing.T) {
	k := newWalk(t, Default())
	k.at("what_failed")
	if k.w.Branch() != nil {
		t.Fatal("branch chosen before any choice")
	}
	k.choose("Service crash")
	k.at("sc_health_failing")
	if got := k.w.NeedVars(); !reflect.DeepEqual(got, []string{"service"}) {
		t.Fatalf("need %v, want [service]", got)
	}
	if err := k.w.Answer(true, "alice", "", k.tick()); !errors.Is(err, ErrNotReady) {
		t.Fatalf("answer without service: %v", err)
	}
	// Before the service is named the step reads as words, never "{service}".
	if got := k.w.Text(); got != "Is the health check of the service failing?" {
		t.Errorf("text before the service is set: %q", got)
	}
	if err := k.w.SetVar("service", "chat; rm -rf /"); err == nil {
		t.Fatal("a value with shell characters was accepted")
	}
	k.set("service", "chat-backend")
	if got := k.w.Text(); got != "Is the health check of chat-backend failing?" {
		t.Errorf("text %q", got)
	}
	probe := func(live string, v Vars) (bool, string, bool) {
		if live != LiveHealthFailing || v["service"] != "chat-backend" {
			t.Errorf("probe asked %s %v", live, v)
		}
		return true, "3/3 probes failed", true
	}
	if ok, err := k.w.AutoAnswer(probe, k.tick()); !ok || err != nil {
		t.Fatalf("auto answer %v %v", ok, err)
	}
	k.at("sc_restart")
	k.wantAction("restart", "chat-backend", "")
	k.action(true)
	k.at("sc_wait")
	if left := k.w.WaitLeft(k.now.Add(10 * time.Second)); left != 20*time.Second {
		t.Errorf("wait left %s, want 20s", left)
	}
	k.now = k.now.Add(30*time.Second - time.Minute) // the wait ends exactly on time
	k.waited()
	k.at("sc_health_passing")
	k.answer(true)
	k.at("sc_resolved")
	if !k.w.Finished() || k.w.Branch().Name != "Service crash" || k.w.Branch().RTO != 2*time.Minute {
		t.Fatalf("finished %v branch %+v", k.w.Finished(), k.w.Branch())
	}
	var lines []string
	for _, s := range k.w.Path() {
		lines = append(lines, k.w.Describe(s))
	}
	want := "What failed?: Service crash|Health check failing?: yes (live: 3/3 probes failed)|" +
		"Restart container: ok|Wait 30s: waited 30s|Health check passing?: yes"
	if got := strings.Join(lines, "|"); got != want {
		t.Errorf("path\n got %s\nwant %s", got, want)
	}
	if k.w.Path()[1].By != ByLive {
		t.Errorf("live answer recorded as by %q", k.w.Path()[1].By)
	}
	if len(k.w.Escalations()) != 0 {
		t.Errorf("escalations on the happy path: %v", k.w.Escalations())
	}
}

func TestServiceCrashRetryThenEscalate(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Service crash")
	k.set("service", "chat-backend")
	k.answer(true)
	k.action(false) // the restart itself failed
	k.at("sc_restart_again")
	k.action(true)
	k.at("sc_wait_again")
	k.waited()
	k.answer(false) // still failing after the second restart: 2+ restarts failed
	k.at("sc_escalate")
	if !k.w.EscalationDue() || k.w.Escalation().String() != "DevOps lead" || k.w.Escalation().When != "2+ restarts fail" {
		t.Fatalf("escalation %v due %v", k.w.Escalation(), k.w.EscalationDue())
	}
	k.must(k.w.Tick(0, true))
	if err := k.w.Complete("alice", k.tick()); !errors.Is(err, ErrNotReady) {
		t.Fatalf("completed with an item unticked: %v", err)
	}
	k.must(k.w.Tick(1, true))
	k.must(k.w.Complete("alice", k.tick()))
	k.at("sc_fixed")
	k.answer(false) // loops back to the escalation
	k.at("sc_escalate")
	k.must(k.w.Complete("alice", k.tick())) // ticks were kept
	k.answer(true)
	k.at("sc_resolved")
	if es := k.w.Escalations(); len(es) != 1 || es[0].String() != "DevOps lead" {
		t.Errorf("escalations %v", es)
	}
}

func TestServiceCrashHealthNotFailing(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Service crash")
	k.set("service", "chat-backend")
	k.answer(false)
	k.at("sc_not_failing")
	k.complete()
	k.at("sc_verified")
	k.answer(true)
	k.at("sc_resolved")
}

func TestDatabaseCorruption(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Database corruption")
	k.at("db_verify_scope")
	if !k.w.EscalationDue() || k.w.Escalation().String() != "Database admin + CTO" {
		t.Fatalf("escalation %v", k.w.Escalation())
	}
	k.set("database", "chat")
	k.answer(true) // database down
	k.at("db_stop_services")
	if _, err := k.w.Action(); !errors.Is(err, ErrNotReady) {
		t.Fatalf("action without service: %v", err)
	}
	k.set("service", "chat-backend")
	k.wantAction("stop", "chat-backend", "")
	k.action(true)
	k.at("db_download_backup")
	k.complete()
	k.at("db_restore")
	k.wantAction("restore", "chat", "")
	k.action(true)
	k.at("db_up")
	k.answer(true)
	k.wantAction("start", "chat-backend", "")
	k.action(true)
	k.at("db_services_up")
	k.answer(true)
	k.at("db_verify_integrity")
	k.complete()
	k.at("db_resolved")
	b := k.w.Branch()
	if b.RTO != 20*time.Minute || b.RPO != 24*time.Hour {
		t.Errorf("targets %s %s", b.RTO, b.RPO)
	}
	if es := k.w.Escalations(); len(es) != 1 || es[0].String() != "Database admin + CTO" {
		t.Errorf("escalations %v", es)
	}
}

func TestDatabaseRestoreFails(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Database corruption")
	k.set("database", "chat")
	k.answer(false) // database up: partial corruption
	k.at("db_partial")
	k.choose("Restore from backup (stops the services)")
	k.set("service", "chat-backend")
	k.action(false) // stop failed
	k.at("db_stop_by_hand")
	k.complete()
	k.complete() // download
	k.action(false)
	k.at("db_escalate")
	k.complete()
	k.at("db_up")
	k.answer(true)
	k.at("db_start_services")
}

func TestFullServerFailure(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Full server failure")
	k.at("fs_verify_down")
	if k.w.Escalation().String() != "Infrastructure team + CEO" {
		t.Fatalf("escalation %v", k.w.Escalation())
	}
	k.answer(true)
	k.at("fs_standby")
	if got := strings.Join(k.w.Current().Items, "|"); got != "Start services|Restore DBs|Update DNS" {
		t.Errorf("standby checklist %s", got)
	}
	k.complete()
	k.at("fs_verify_healthy")
	k.answer(false)
	k.at("fs_fix_standby")
	k.complete()
	k.answer(true)
	k.at("fs_resolved")
	if k.w.Branch().RTO != 2*time.Hour {
		t.Errorf("RTO %s", k.w.Branch().RTO)
	}
}

func TestServerUpSwitchesBranch(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Full server failure")
	k.answer(false)
	k.at("fs_not_total")
	k.choose("Service crash")
	if b := k.w.Branch(); b == nil || b.ID != "service_crash" {
		t.Fatalf("branch %+v, want service_crash", b)
	}
}

func TestSecurityBreach(t *testing.T) {
	k := newWalk(t, Default())
	k.choose("Security breach")
	if !k.w.EscalationDue() || k.w.Escalation().String() != "Security team + Legal" {
		t.Fatalf("escalation %v", k.w.Escalation())
	}
	k.complete()
	// Then containment, the seed's calls being only the start of it.
	k.at("sb_contain")
	if n := k.w.Current(); len(n.Items) != 4 || !strings.Contains(n.Items[1], "Preserve evidence") {
		t.Fatalf("containment steps %q", n.Items)
	}
	k.complete()
	if !k.w.Finished() {
		t.Fatalf("not finished at %s", k.w.Current().ID)
	}
}

func TestBack(t *testing.T) {
	k := newWalk(t, Default())
	if err := k.w.Back(); !errors.Is(err, ErrNotReady) {
		t.Fatalf("back at the root: %v", err)
	}
	k.choose("Service crash")
	k.set("service", "chat-backend")
	k.answer(true)
	entered := k.now
	k.action(true)
	k.at("sc_wait")
	k.must(k.w.Back())
	k.at("sc_restart")
	if st := k.w.State(); !st.Entered.Equal(entered) || len(st.Path) != 2 {
		t.Errorf("after back: entered %s path %d, want %s 2", st.Entered, len(st.Path), entered)
	}
	k.must(k.w.Back())
	k.must(k.w.Back())
	k.at("what_failed")
	if k.w.Branch() != nil || !k.w.State().Entered.Equal(t0) {
		t.Errorf("back at root: branch %v entered %s", k.w.Branch(), k.w.State().Entered)
	}
	k.choose("Database corruption") // a different answer this time
	k.at("db_verify_scope")
}

func TestStateJSONResumes(t *testing.T) {
	tr := Default()
	k := newWalk(t, tr)
	k.choose("Database corruption")
	k.set("database", "chat")
	k.set("service", "chat-backend")
	k.answer(true)
	k.action(true)
	k.at("db_download_backup")
	k.must(k.w.Tick(1, true))

	data, err := json.Marshal(k.w.State())
	if err != nil {
		t.Fatal(err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	w2, err := tr.Resume(st)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w2.State(), k.w.State()) {
		t.Fatalf("round trip differs:\n%+v\n%+v", w2.State(), k.w.State())
	}
	k.w = w2
	k.at("db_download_backup")
	if k.w.Ticked(0) || !k.w.Ticked(1) || k.w.Branch().ID != "database_corruption" {
		t.Fatalf("resumed ticks %v %v branch %v", k.w.Ticked(0), k.w.Ticked(1), k.w.Branch())
	}
	k.complete()
	k.wantAction("restore", "chat", "")

	st.Node = "gone"
	if _, err := tr.Resume(st); err == nil {
		t.Error("resumed at a node the tree does not have")
	}
}

func TestReplacementTree(t *testing.T) {
	tr, err := Parse("t.yaml", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	k := newWalk(t, tr)
	k.choose("Crash")
	k.set("service", "web")
	no := func(string, Vars) (bool, string, bool) { return false, "", false }
	if ok, _ := k.w.AutoAnswer(no, k.tick()); ok {
		t.Fatal("answered although the probe did not know")
	}
	k.answer(true)
	k.wantAction("restart", "web", "")
	k.action(true)
	k.now = k.now.Add(-55 * time.Second) // five seconds after entering the wait
	k.waited()
	if got := k.w.Path()[len(k.w.Path())-1].Answer; got != "skipped after 5s" {
		t.Errorf("early wait end recorded as %q", got)
	}
	k.at("done")
	if !k.w.Finished() || k.w.Branch().Escalation.String() != "Lead (+1 555)" {
		t.Fatal("replacement walk did not finish in its branch")
	}
}
