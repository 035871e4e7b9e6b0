package actions

import (
	"testing"

	"github.com/manacore/opsdeck/backend"
)

// A start of what runs, or a stop of what is stopped, is refused with
// why; anything with one container to change is planned.
func TestNothingToDo(t *testing.T) {
	run := func(states ...bool) func(int) bool { return func(i int) bool { return states[i] } }
	for _, c := range []struct {
		kind    backend.ActionKind
		running []bool
		want    string
	}{
		{backend.ActKindStart, []bool{true, true}, "chat-backend runs already (every container): nothing to start"},
		{backend.ActKindStart, []bool{true, false}, ""},
		{backend.ActKindStop, []bool{false, false}, "chat-backend is stopped already (every container): nothing to stop"},
		{backend.ActKindStop, []bool{false, true}, ""},
		{backend.ActKindRestart, []bool{true}, ""},
	} {
		err := nothingToDo(backend.Action{Kind: c.kind, Target: "chat-backend"}, len(c.running), run(c.running...))
		if got := ""; err != nil {
			got = err.Error()
			if got != c.want {
				t.Errorf("%s %v: %q, want %q", c.kind, c.running, got, c.want)
			}
		} else if c.want != "" {
			t.Errorf("%s %v: planned, want %q", c.kind, c.running, c.want)
		}
	}
}
