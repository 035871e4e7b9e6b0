package drtree

import (
	"errors"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/manacore/opsdeck/backend/yamlpos"
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
	return yamlpos.Format(file, Pos{Line: e.Line, Col: e.Col}, e.Msg)
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

// The AST helpers live in backend/yamlpos, shared with the config.
var (
	tokenPos = yamlpos.TokenPos
	unwrap   = yamlpos.Unwrap
	pairs    = yamlpos.Pairs
	keyText  = yamlpos.KeyText
	posOf    = yamlpos.PosOf
)

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
		return Pos{Line: 1, Col: 1}
	}
	return best
}
