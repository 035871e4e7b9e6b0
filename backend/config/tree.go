package config

import "github.com/goccy/go-yaml/ast"

// The decoder gives values, the AST gives positions. These helpers find the
// node behind a value by its path so validation can point at it.

// unwrap looks through anchors (&name) and tags (!!str) to the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch m := n.(type) {
		case *ast.AnchorNode:
			n = m.Value
		case *ast.TagNode:
			n = m.Value
		default:
			return n
		}
	}
}

// pairs lists the key/value pairs of a mapping node.
func pairs(n ast.Node) []*ast.MappingValueNode {
	switch m := unwrap(n).(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// keyText is a mapping key as the decoder sees it.
func keyText(k ast.Node) string {
	switch k := unwrap(k).(type) {
	case *ast.StringNode:
		return k.Value
	case nil, *ast.NullNode:
		return ""
	default:
		if tk := k.GetToken(); tk != nil {
			return tk.Value
		}
	}
	return ""
}

func isNull(n ast.Node) bool {
	_, null := unwrap(n).(*ast.NullNode)
	return n == nil || null
}

// posOf is where a reader would look for a node: a block mapping starts at
// its first key, not at the ':' goccy records for it.
func posOf(n ast.Node) Pos {
	switch m := n.(type) {
	case nil:
		return Pos{}
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 {
			return posOf(m.Values[0])
		}
	case *ast.MappingValueNode:
		return posOf(m.Key)
	}
	return tokenPos(n.GetToken())
}

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
	return Pos{1, 1}
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
