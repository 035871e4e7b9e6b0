package drtree

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: whatever the bytes, Parse returns a tree or an *Error, never
// panics; a tree it accepts is walkable: the root and every branch start
// and successor name a node, every node has a known kind.
func FuzzParse(f *testing.F) {
	f.Add(DefaultYAML())
	f.Add([]byte("root: a\nnodes:\n  a: {kind: resolved, title: done}\n"))
	f.Add([]byte("root: a\nnodes:\n  a: {kind: check, title: up?, yes: b, no: b}\n  b: {kind: resolved, title: ok}\n"))
	f.Add([]byte("root: x\n---\nroot: y\n"))
	f.Add([]byte("nodes: [1, 2\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Parse("fuzz.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" || e.Msg == "" || e.Line < 0 || e.Col < 0 {
				t.Fatalf("not a proper *Error: %#v", err)
			}
			if strings.Contains(e.Msg, "the YAML parser failed") {
				t.Fatalf("yaml library panicked (recovered): %v", err)
			}
			return
		}
		if tr.Nodes[tr.Root] == nil {
			t.Fatalf("root %q is not a node", tr.Root)
		}
		for _, b := range tr.Branches {
			if tr.Nodes[b.Start] == nil || b.RTO < 0 || b.RPO < 0 {
				t.Fatalf("branch %+v", b)
			}
		}
		for id, n := range tr.Nodes {
			switch n.Kind {
			case KindChoice, KindCheck, KindAction, KindManual, KindWait, KindResolved:
			default:
				t.Fatalf("node %q has kind %q", id, n.Kind)
			}
			for _, next := range n.Successors() {
				if tr.Nodes[next] == nil {
					t.Fatalf("node %q leads to unknown %q", id, next)
				}
			}
		}
	})
}
