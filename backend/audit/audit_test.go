package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/backend"
)

func TestAppendReadAndPairs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "audit.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := backend.Action{ID: "a1", Kind: backend.ActKindRestore, Target: "chat",
		Params: map[string]string{"dump": "/b/x.dump", "PGPASSWORD": "hunter2"}, Actor: backend.Actor{User: "ana", Role: backend.RoleOperator}}
	b := FromAction(a)
	b.Phase = PhaseBefore
	if err := l.Append(b); err != nil {
		t.Fatal(err)
	}
	e := FromAction(a)
	e.Phase, e.Result = PhaseAfter, ResultOK
	if err := l.Append(e); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := l.Append(e); err == nil {
		t.Fatal("append after close succeeded")
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("audit file mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if want := "hunter2"; contains(raw, want) {
		t.Fatalf("secret reached the audit file:\n%s", raw)
	}
	got, bad, err := Read(path)
	if err != nil || bad != 0 || len(got) != 2 {
		t.Fatalf("read %d entries, %d bad, %v", len(got), bad, err)
	}
	if got[0].Params["dump"] != "/b/x.dump" || got[0].User != "ana" || got[0].Time.IsZero() {
		t.Fatalf("entry %+v", got[0])
	}
	p := Pairs(got)
	if len(p) != 1 || p[0].After == nil || p[0].After.Result != ResultOK {
		t.Fatalf("pairs %+v", p)
	}
}

// A torn last line (killed mid-write) must not swallow the next entry.
func TestOpenEndsATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := os.WriteFile(path, []byte(`{"phase":"before","id":"x1"}`+"\n"+`{"phase":"aft`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{Phase: PhaseBefore, ID: "x2"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	got, bad, err := Read(path)
	if err != nil || bad != 1 || len(got) != 2 || got[1].ID != "x2" {
		t.Fatalf("got %+v, %d bad, %v", got, bad, err)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
