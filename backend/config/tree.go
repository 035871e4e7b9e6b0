package config

import (
	"github.com/goccy/go-yaml/ast"

	"github.com/manacore/opsdeck/backend/yamlpos"
)

// The decoder gives values, the AST gives positions. These helpers find the
// node behind a value by its path so validation can point at it.

// The AST helpers live in backend/yamlpos, shared with the DR tree.
var (
	unwrap  = yamlpos.Unwrap
	pairs   = yamlpos.Pairs
	keyText = yamlpos.KeyText
	isNull  = yamlpos.IsNull
	posOf   = yamlpos.PosOf
)

// step is one segment of a path: the key and value found for it.
type step struct{ key, value ast.Node }

// walk follows path (string keys, int list indexes) from root and returns
// the steps it could take; it stops at the first segment that is missing.
func walk(root ast.Node, path []any) []step {
	steps := []step{{value: root}}
	n := root
	for _, seg := range path {
		var next step
		switch seg := seg.(type) {
		case string:
			for _, mv := range pairs(n) {
				if keyText(mv.Key) == seg {
					next = step{mv.Key, mv.Value}
					break
				}
			}
		case int:
			if s, ok := unwrap(n).(*ast.SequenceNode); ok && seg >= 0 && seg < len(s.Values) {
				next = step{value: s.Values[seg]}
			}
		}
		if next.key == nil && next.value == nil {
			break
		}
		steps = append(steps, next)
		n = next.value
	}
	return steps
}

// at is the position to report for the value at path: the value itself;
// its key when the value is empty; the enclosing mapping when the key is
// missing (a required field is reported on the mapping that lacks it).
func at(root ast.Node, path ...any) Pos {
	steps := walk(root, path)
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if !isNull(s.value) {
			return posOf(s.value)
		}
		if s.key != nil {
			return posOf(s.key)
		}
	}
	return Pos{Line: 1, Col: 1}
}

// keyAt is the position of the last key of path, falling back like at.
func keyAt(root ast.Node, path ...any) Pos {
	steps := walk(root, path)
	if len(steps) == len(path)+1 && steps[len(steps)-1].key != nil {
		return posOf(steps[len(steps)-1].key)
	}
	return at(root, path...)
}

// has reports whether the key at path is present, even with an empty value.
func has(root ast.Node, path ...any) bool {
	return len(walk(root, path)) == len(path)+1
}
