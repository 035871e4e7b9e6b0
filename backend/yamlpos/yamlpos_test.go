package yamlpos

import (
	"testing"

	"github.com/goccy/go-yaml/parser"
)

func TestPositionsOfNodes(t *testing.T) {
	f, err := parser.ParseBytes([]byte("a: &x\n  b: 1\n  c: ~\nlist:\n  - {k: v}\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	root := f.Docs[0].Body
	var keys []string
	for _, mv := range Pairs(root) {
		keys = append(keys, KeyText(mv.Key))
	}
	if len(keys) != 2 || keys[0] != "a" || keys[1] != "list" {
		t.Fatalf("keys %v", keys)
	}
	a := Pairs(root)[0].Value
	if p := PosOf(Unwrap(a)); p != (Pos{Line: 2, Col: 3}) {
		t.Fatalf("a block mapping is found at its first key, got %+v", p)
	}
	if c := Pairs(a)[1].Value; !IsNull(c) {
		t.Fatal("c: ~ is null")
	}
	for _, tc := range []struct {
		p    Pos
		want string
	}{{Pos{}, "f.yaml: m"}, {Pos{Line: 3}, "f.yaml:3: m"}, {Pos{Line: 3, Col: 7}, "f.yaml:3:7: m"}} {
		if got := Format("f.yaml", tc.p, "m"); got != tc.want {
			t.Errorf("Format(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}
