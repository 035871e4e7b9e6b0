package databases

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/keymap"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// fakeInspector answers with in, or err when set.
type fakeInspector struct {
	in  backend.DBInsight
	err error
}

func (f *fakeInspector) Inspect(context.Context, string) (backend.DBInsight, error) {
	return f.in, f.err
}

// answer runs the request cmd carries, as the root would, and hands the
// answer to v; it fails the test when cmd asks nothing.
func answer(t *testing.T, v *Detail, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no request")
	}
	r, ok := cmd().(kit.Request)
	if !ok || r.To != v.ID() {
		t.Fatalf("not a request to the detail: %#v", r)
	}
	v.Update(r.Run(context.Background()))
}

func plain(v *Detail) string { return ansi.Strip(v.View()) }

// What the detail says while it reads, when it cannot, and when a
// reading fails after a good one (the last one stays, marked stale).
func TestDetailSaysLoadingFailureAndStaleness(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 34, 56, 0, time.UTC)
	clock := func() time.Time { return now }
	f := &fakeInspector{in: backend.DBInsight{Database: "chat", Source: "psql on db-1", At: now, MaxConnections: 20,
		Statements: []backend.Statement{{Query: "SELECT pg_sleep($1)", Calls: 3, MeanMS: 300, TotalMS: 900, Rows: 3}},
		Sessions:   []backend.Session{{PID: 7, Application: "chat-backend", State: backend.SessionIdleInTx, XactStart: now.Add(-95 * time.Second), Query: "SELECT 1"}},
		ByState:    []backend.Count{{Key: backend.SessionIdleInTx, N: 1}}}}
	c := kit.Common{Theme: theme.Default(), Keys: keymap.Default(), Now: clock, IDs: &kit.IDs{}, Deps: kit.Deps{Databases: f}}
	v := NewDetail(c, "chat")
	v.SetSize(100, 20)
	first := v.Init()
	if s := plain(v); !strings.Contains(s, "reading…") {
		t.Errorf("while reading:\n%s", s)
	}
	answer(t, v, first)
	s := plain(v)
	for _, want := range []string{"psql on db-1 · 0s ago", "300 ms", "SELECT pg_sleep($1)", "⚠ idle in tx", "1m35s", "⚠ 1 idle in transaction"} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %q:\n%s", want, s)
		}
	}

	if v.Update(kit.TickMsg(now)) != nil {
		t.Error("asked again before 10 s")
	}
	now = now.Add(30 * time.Second)
	f.err = errors.New("psql on db-1 exited with status 2: connection refused")
	cmd := v.Update(kit.TickMsg(now))
	if v.Update(keyPress("r")) != nil {
		t.Error("r asked a second reading while one was on its way")
	}
	answer(t, v, cmd)
	s = plain(v)
	if !strings.Contains(s, "stale 30s · psql on db-1 exited with status 2: connection refused") || !strings.Contains(s, "SELECT pg_sleep($1)") {
		t.Errorf("a failure after a reading:\n%s", s)
	}
	if !v.OwnsKey(keyPress("r")) {
		t.Error("r is not the detail's here (it would restart elsewhere)")
	}
	answer(t, v, v.Update(keyPress("r")))

	none := NewDetail(kit.Common{Theme: theme.Default(), Keys: keymap.Default(), Now: clock, IDs: &kit.IDs{}}, "chat")
	none.SetSize(60, 10)
	answer(t, none, none.Init())
	if s := plain(none); !strings.Contains(strings.Join(strings.Fields(s), " "), "✖ no psql connection configured for this database (databases[].psql)") {
		t.Errorf("without an inspector:\n%s", s)
	}
	for _, l := range strings.Split(none.View(), "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Errorf("line wider than 60: %q", ansi.Strip(l))
		}
	}
}

func keyPress(k string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: rune(k[0]), Text: k} }
