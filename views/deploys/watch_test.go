package deploys

import (
	"testing"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

var t0 = time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)

// canarySnap is chat-backend with green at 10 % since t0, its error rate errPct.
func canarySnap(at time.Time, errPct float64) backend.Snapshot {
	c := func(colour, v string, since time.Time) backend.Container {
		return backend.Container{Name: "chat-backend-" + colour + "-1", Colour: colour, Version: v, State: backend.StateRunning, StartedAt: since}
	}
	m := func(rps, e float64) backend.Metrics {
		return backend.Metrics{RPS: backend.Some(rps), ErrorRatePct: backend.Some(e), P95MS: backend.Some(100)}
	}
	return backend.Snapshot{At: at, Services: []backend.Service{{Project: "chat", Name: "chat-backend",
		Containers:    []backend.Container{c("blue", "v1", t0.Add(-time.Hour)), c("green", "v2", t0)},
		ColourMetrics: map[string]backend.Metrics{"blue": m(90, 0), "green": m(10, errPct)}}}}
}

// The tab restarts the monitor clock after a gate break it saw, and a
// pause in its watching (hidden) starts its watch over: a break then
// would not have been seen.
func TestTheTabWatchesTheGates(t *testing.T) {
	now := t0.Add(20 * time.Minute)
	v := New(kit.Common{Theme: theme.Default(), Keys: keymap.Default(), IDs: &kit.IDs{}, Now: func() time.Time { return now },
		Deployments: []deploy.Spec{{Project: "chat", Service: "chat-backend", Monitor: 5 * time.Minute}}})
	v.SetSnapshot(canarySnap(now, 0.1))
	if st := v.status["chat"]; st.Verdict != deploy.VerdictPromote || !v.watch["chat"].Since.Equal(now) {
		t.Fatalf("before the break: %s %q, watch %+v", st.Verdict, st.Reason, v.watch["chat"])
	}
	now = now.Add(time.Second)
	v.SetSnapshot(canarySnap(now, 3))
	broke := now
	if st := v.status["chat"]; st.Verdict != deploy.VerdictRollback || !v.watch["chat"].BrokeAt.Equal(broke) {
		t.Fatalf("the break: %s %q, watch %+v", st.Verdict, st.Reason, v.watch["chat"])
	}
	now = now.Add(time.Second)
	v.SetSnapshot(canarySnap(now, 0.1))
	if st := v.status["chat"]; st.Verdict != deploy.VerdictHold || st.Monitor.Left != 5*time.Minute-time.Second || !st.Monitor.Since.Equal(broke) {
		t.Fatalf("after the break: %s %q %+v", st.Verdict, st.Reason, st.Monitor)
	}
	if err := v.status["chat"].CanPromote("green"); err == nil {
		t.Fatal("promote allowed right after a break")
	}
	now = now.Add(time.Minute) // hidden: not evaluated
	v.SetSnapshot(canarySnap(now, 0.1))
	if w := v.watch["chat"]; !w.Since.Equal(now) || !w.BrokeAt.Equal(broke) {
		t.Fatalf("after a pause: watch %+v", w)
	}
}
