package keymap

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/manacore/opsdeck/keymap/keytest"
)

func TestDefaultsMatchRealKeyPresses(t *testing.T) {
	k := Default()
	cases := []struct {
		key  string
		b    key.Binding
		name string
	}{
		{"q", k.Quit, "quit"}, {"ctrl+c", k.Quit, "quit"}, {"?", k.Help, "help"},
		{":", k.Palette, "palette"}, {"/", k.Filter, "filter"}, {"esc", k.Back, "back"},
		{"j", k.Down, "down"}, {"k", k.Up, "up"}, {"G", k.Bottom, "bottom"},
		{"ctrl+d", k.HalfPageDown, "half page down"}, {"ctrl+u", k.HalfPageUp, "half page up"},
		{"enter", k.Open, "open"}, {"l", k.Logs, "logs"}, {"r", k.Restart, "restart"},
	}
	for _, c := range cases {
		if !key.Matches(keytest.Press(c.key), c.b) {
			t.Errorf("%q does not trigger %s", c.key, c.name)
		}
	}
}

func TestDefaultHasNoConflictsAndNoCtrlDanger(t *testing.T) {
	k := Default()
	k.AddView("overview", "Overview", 1)
	k.AddView("services", "Services", 2)
	if c := k.Conflicts(); len(c) != 0 {
		t.Fatalf("default keymap conflicts: %v", c)
	}
	for _, e := range k.Entries() {
		if !e.Dangerous {
			continue
		}
		for _, key := range e.Binding.Keys() {
			if strings.HasPrefix(key, "ctrl+") {
				t.Errorf("dangerous binding %s is on %s, which collides with tmux", e.Name, key)
			}
		}
	}
}

func TestRebind(t *testing.T) {
	k := Default()
	k.AddView("services", "Services", 2)
	if err := k.Rebind("restart", []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if !key.Matches(keytest.Press("x"), k.Restart) || key.Matches(keytest.Press("r"), k.Restart) {
		t.Fatal("restart not moved to x")
	}
	if got := k.Restart.Help(); got.Key != "x" || got.Desc != "restart" {
		t.Fatalf("help not updated: %+v", got)
	}
	if err := k.Rebind("view.services", []string{"s"}); err != nil {
		t.Fatal(err)
	}
	if c := k.Conflicts(); len(c) != 1 || !strings.Contains(c[0], `"s"`) {
		t.Fatalf("expected the s conflict between stop and view.services, got %v", c)
	}
	if err := k.Rebind("explode", []string{"e"}); err == nil || !strings.Contains(err.Error(), "unknown key binding") {
		t.Fatalf("unknown name accepted: %v", err)
	}
	if err := k.Rebind("quit", nil); err == nil {
		t.Fatal("empty key list accepted")
	}
}

func TestDropDangerous(t *testing.T) {
	k := Default()
	if n := len(k.Actions()); n != 4 {
		t.Fatalf("%d actions before read-only mode, want 4", n)
	}
	k.DropDangerous()
	if a := k.Actions(); len(a) != 0 {
		t.Fatalf("actions still offered in read-only mode: %v", a)
	}
	for _, b := range []key.Binding{k.Restart, k.Rollback, k.Stop, k.Start} {
		if b.Enabled() || key.Matches(keytest.Press(b.Keys()[0]), b) {
			t.Fatalf("%v still enabled in read-only mode", b.Keys())
		}
	}
	if !k.Logs.Enabled() || !k.Quit.Enabled() {
		t.Fatal("read-only mode must keep safe bindings")
	}
	if !k.IsDangerous(&k.Restart) || k.IsDangerous(&k.Logs) {
		t.Fatal("IsDangerous misclassifies")
	}
}

// TestTenthViewAndDeployKeys: the tenth tab gets 0, and the blue/green
// keys clash with nothing else, all ten view keys included.
func TestTenthViewAndDeployKeys(t *testing.T) {
	k := Default()
	for i, n := range []string{"overview", "services", "fleet", "latency", "alerts", "databases", "dependencies", "resources", "incident", "deploys"} {
		k.AddView(n, n, i+1)
	}
	if !key.Matches(keytest.Press("0"), *k.Views["deploys"]) {
		t.Fatalf("view 10 keys %v", k.Views["deploys"].Keys())
	}
	if c := k.Conflicts(); len(c) != 0 {
		t.Fatalf("conflicts: %v", c)
	}
	for _, b := range []*key.Binding{&k.ShiftTraffic, &k.Promote, &k.SwitchBack, &k.Decommission, &k.Migrate} {
		if !k.IsDangerous(b) {
			t.Errorf("%v is not dangerous", b.Keys())
		}
	}
	k.DropDangerous()
	if k.Promote.Enabled() || k.Decommission.Enabled() || k.Migrate.Enabled() {
		t.Error("read-only mode keeps the deploy keys")
	}
}
