// Package yamlpos finds where things are in a YAML file, so the config and
// the decision-tree loaders can point at a problem as "file:line:col". The
// decoder gives values, the goccy AST gives positions: these helpers walk
// the AST to the node behind a value.
package yamlpos

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Pos is a 1-based line and column; zero means unknown.
type Pos struct{ Line, Col int }

// Format is "file:line:col: msg", leaving out what is unknown.
func Format(file string, p Pos, msg string) string {
	switch {
	case p.Line <= 0:
		return file + ": " + msg
	case p.Col <= 0:
		return fmt.Sprintf("%s:%d: %s", file, p.Line, msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, p.Line, p.Col, msg)
}

// TokenPos is where a token starts.
func TokenPos(tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

// Unwrap looks through anchors (&name) and tags (!!str) to the value.
func Unwrap(n ast.Node) ast.Node {
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

// Pairs lists the key/value pairs of a mapping node.
func Pairs(n ast.Node) []*ast.MappingValueNode {
	switch m := Unwrap(n).(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// KeyText is a mapping key as the decoder sees it.
func KeyText(k ast.Node) string {
	switch k := Unwrap(k).(type) {
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

// IsNull reports an absent or null value.
func IsNull(n ast.Node) bool {
	_, null := Unwrap(n).(*ast.NullNode)
	return n == nil || null
}

// PosOf is where a reader would look for a node: a block mapping starts at
// its first key, not at the ':' goccy records for it.
func PosOf(n ast.Node) Pos {
	switch m := n.(type) {
	case nil:
		return Pos{}
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 {
			return PosOf(m.Values[0])
		}
	case *ast.MappingValueNode:
		return PosOf(m.Key)
	}
	return TokenPos(n.GetToken())
}

// Bodies are the non-empty documents of a parsed file, in order; loaders
// of single-document files refuse a second one at its position.
func Bodies(f *ast.File) []ast.Node {
	var out []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			out = append(out, d.Body)
		}
	}
	return out
}
