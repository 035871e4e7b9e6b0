package drtree

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Error is a problem in a tree file, located where an editor can jump to
// it: "file:line:col: msg".
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "drtree"
	}
	switch {
	case e.Line <= 0:
		return file + ": " + e.Msg
	case e.Col <= 0:
		return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Line, e.Col, e.Msg)
}

// fromYAML turns a goccy parse or decode error into an *Error at the
// token goccy blames (every goccy error implements yaml.Error).
func fromYAML(file string, err error) *Error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{File: file, Msg: err.Error()}
	}
	p := tokenPos(ye.GetToken())
	msg := ye.GetMessage()
	var unknown *yaml.UnknownFieldError
	if errors.As(err, &unknown) {
		// goccy says `unknown field "x"`; a YAML author writes keys.
		msg = "unknown key " + msg[len("unknown field "):]
	}
	return &Error{File: file, Line: p.Line, Col: p.Col, Msg: msg}
}

func tokenPos(tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

// The decoder gives values, the AST gives positions: validation finds the
// node behind a value by its path ("nodes", 3, "yes").

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

func pairs(n ast.Node) []*ast.MappingValueNode {
	switch m := unwrap(n).(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

func keyText(k ast.Node) string {
	if s, ok := unwrap(k).(*ast.StringNode); ok {
		return s.Value
	}
	if k != nil && k.GetToken() != nil {
		return k.GetToken().Value
	}
	return ""
}

// posOf is where a reader looks for a node: a block mapping at its first
// key rather than at the ':' goccy records.
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

// locator answers "where is the value at this path"; a missing key is
// reported on the mapping that lacks it, an empty value on its key.
type locator struct{ root ast.Node }

func (l locator) at(path ...any) Pos { return l.find(false, path) }

// keyAt is the position of the last key of path (for map keys such as
// contact names), falling back like at.
func (l locator) keyAt(path ...any) Pos { return l.find(true, path) }

func (l locator) find(wantKey bool, path []any) Pos {
	n := l.root
	best := posOf(n)
	for i, seg := range path {
		var key, val ast.Node
		switch seg := seg.(type) {
		case string:
			for _, mv := range pairs(n) {
				if keyText(mv.Key) == seg {
					key, val = mv.Key, mv.Value
					break
				}
			}
		case int:
			if s, ok := unwrap(n).(*ast.SequenceNode); ok && seg >= 0 && seg < len(s.Values) {
				val = s.Values[seg]
			}
		}
		if key == nil && val == nil {
			return best
		}
		last := i == len(path)-1
		_, null := unwrap(val).(*ast.NullNode)
		switch {
		case key != nil && (null || val == nil || (last && wantKey)):
			best = posOf(key)
		default:
			best = posOf(val)
		}
		n = val
	}
	if best == (Pos{}) {
		return Pos{1, 1}
	}
	return best
}
