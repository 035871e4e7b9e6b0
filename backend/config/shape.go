package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// shape walks the document beside the raw type it decodes into, before
// the decoder runs, and reports every key that type lacks and every value
// of the wrong kind, each at its own line and column. The decoder alone
// would stop at the first value it cannot take, and would take a quoted
// "80" for 80 without a word. A wrong value is then replaced by a null,
// which the decoder takes as "not given", so that it goes on past it; what
// the builder says about such a gap is dropped (see hidden), since the
// problem is the value, already reported.
type shape struct {
	file string
	errs []*Error
	// hidden are the nulls standing in for wrong values.
	hidden map[ast.Node]bool
	// unknown is set when a key was unknown: the decoder then runs
	// without strictness, which would only stop at that key again.
	unknown bool
	// anchors are the values of the document's anchors (&name), by name,
	// so that an alias (*name) is checked as what it stands for.
	anchors anchors
	// expanding are the aliases being walked through, against a cycle.
	expanding map[string]bool
}

func newShape(file string, root ast.Node) *shape {
	s := &shape{file: file, hidden: map[ast.Node]bool{}, anchors: anchors{}, expanding: map[string]bool{}}
	ast.Walk(s.anchors, root)
	return s
}

// anchors collects anchors as an ast.Visitor.
type anchors map[string]ast.Node

func (a anchors) Visit(n ast.Node) ast.Visitor {
	if m, ok := n.(*ast.AnchorNode); ok {
		a[keyText(m.Name)] = m.Value
	}
	return a
}

// add records a problem unless the same one is already there: the walk
// and the decoder may both see one.
func (s *shape) add(e *Error) {
	for _, old := range s.errs {
		if *old == *e {
			return
		}
	}
	s.errs = append(s.errs, e)
}

func (s *shape) fail(p Pos, msg string) {
	s.add(&Error{File: s.file, Line: p.Line, Col: p.Col, Msg: msg})
}

// null is the stand-in for the wrong value n, at n's position.
func (s *shape) null(n ast.Node) ast.Node {
	var pos *token.Position
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		p := *tk.Position
		pos = &p
	}
	null := ast.Null(token.New("null", "null", pos))
	s.hidden[null] = true
	return null
}

// walk checks n against t, the type it decodes into, at path; true means n
// is of the wrong kind (reported) and its parent must replace it.
func (s *shape) walk(n ast.Node, t reflect.Type, path string) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case nil, reflect.TypeFor[ast.Node](), reflect.TypeFor[rawLevels](), reflect.TypeFor[rawDurations]():
		return false // keys: and thresholds are read by hand, with their own messages
	}
	v := unwrap(n)
	switch a := v.(type) {
	case nil, *ast.NullNode:
		return false
	case *ast.AliasNode:
		// Checked as what it stands for, at the alias when that is of the
		// wrong kind, else inside the anchor, where it is written.
		name := keyText(a.Value)
		target := s.anchors[name]
		if target == nil || s.expanding[name] {
			return false // the parser refuses an unknown alias; a cycle is the decoder's
		}
		if msg := wrongKind(unwrap(target), t, path); msg != "" {
			s.fail(posOf(n), fmt.Sprintf("%s (from *%s)", msg, name))
			return true
		}
		s.expanding[name] = true
		s.walk(target, t, path) // of the right kind, just checked: never replaced
		delete(s.expanding, name)
		return false
	}
	if msg := wrongKind(v, t, path); msg != "" {
		s.fail(posOf(n), msg)
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		for _, mv := range pairs(v) {
			key := keyText(mv.Key)
			if key == "<<" { // a merge key: its mappings' keys are this mapping's
				s.merge(mv.Value, t, path)
				continue
			}
			ft := fieldType(t, key)
			if ft == nil && t.Kind() == reflect.Struct {
				s.unknown = true
				s.fail(posOf(mv), unknownKeyMsg(key, path, t))
				continue
			}
			if s.walk(mv.Value, ft, joinPath(path, key)) {
				mv.Value = s.null(mv.Value)
			}
		}
	case reflect.Slice:
		seq := v.(*ast.SequenceNode)
		for i, e := range seq.Values {
			if s.walk(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)) {
				seq.Values[i] = s.null(e)
			}
		}
	}
	return false
}

// merge walks the value of a merge key (<<) in a mapping of type t at
// path: a mapping, an alias of one, or a list of them. Anything else is
// left to the decoder, which says so.
func (s *shape) merge(n ast.Node, t reflect.Type, path string) {
	v := unwrap(n)
	if a, ok := v.(*ast.AliasNode); ok {
		v = unwrap(s.anchors[keyText(a.Value)])
	}
	switch m := v.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		s.walk(n, t, path)
	case *ast.SequenceNode:
		for _, e := range m.Values {
			if _, ok := unwrap(e).(*ast.SequenceNode); !ok {
				s.merge(e, t, path)
			}
		}
	}
}

// wrongKind says why n (unwrapped) cannot be a t, or "" when it can. A
// fraction for a whole number is left to the builder, which says so.
func wrongKind(n ast.Node, t reflect.Type, path string) string {
	var ok bool
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		ok = t.Kind() == reflect.Struct || t.Kind() == reflect.Map
	case *ast.SequenceNode:
		ok = t.Kind() == reflect.Slice
	default: // a scalar
		switch t.Kind() {
		case reflect.String:
			ok = true
		case reflect.Bool:
			_, ok = n.(*ast.BoolNode)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			switch n.(type) {
			case *ast.IntegerNode, *ast.FloatNode:
				ok = true
			}
		case reflect.Float32, reflect.Float64:
			switch n.(type) {
			case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
				ok = true
			}
		default:
			ok = t.Kind() != reflect.Struct && t.Kind() != reflect.Map && t.Kind() != reflect.Slice
		}
	}
	if ok {
		return ""
	}
	if msg, q := quoted(n, t.Kind(), path); q {
		return msg
	}
	if tooLarge(n, t.Kind()) {
		return fmt.Sprintf("%s: %s is too large a number", pathOr(path), n.GetToken().Value)
	}
	msg := fmt.Sprintf("%s: expected %s, got %s", pathOr(path), kindOf(t), describeAt(n, path))
	if t == reflect.TypeFor[rawHeader]() {
		// Prometheus' form, which the shorthand of other tools is not.
		msg += "; write {values: [...]} (or secrets: or files:), as in Prometheus"
	}
	return msg
}

// quoted is the message for a number or a true/false written in quotes
// where the config wants the number or the boolean itself: to YAML "80" is
// text, and reading it as 80 anyway would hide that the author may have
// meant something else. want is the kind of value wanted.
func quoted(n ast.Node, want reflect.Kind, path string) (string, bool) {
	s, ok := n.(*ast.StringNode)
	if !ok || s.Token == nil || (s.Token.Type != token.DoubleQuoteType && s.Token.Type != token.SingleQuoteType) {
		return "", false
	}
	v := s.Value
	switch want {
	case reflect.Bool:
		if v != "true" && v != "false" {
			return "", false
		}
	case reflect.String, reflect.Struct, reflect.Map, reflect.Slice:
		return "", false
	default:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", false
		}
	}
	return fmt.Sprintf("%s: %s is a string; write %s without quotes", pathOr(path), strconv.Quote(v), v), true
}

// tooLarge reports a number beyond int64 or float64, which goccy's parser
// leaves as a plain string: written without quotes, so it is meant as a
// number.
func tooLarge(n ast.Node, want reflect.Kind) bool {
	s, ok := n.(*ast.StringNode)
	if !ok || s.Token == nil || s.Token.Type != token.StringType || want < reflect.Int || want > reflect.Float64 {
		return false
	}
	_, err := strconv.ParseFloat(s.Value, 64)
	if want <= reflect.Int64 && err == nil {
		_, err = strconv.ParseInt(s.Value, 10, 64)
	}
	return errors.Is(err, strconv.ErrRange)
}

// duplicateKeys reports every key given twice in one mapping, anywhere in
// the document, at its second occurrence: the decoder would keep one of
// the two without a word, and the author meant both.
func duplicateKeys(file string, n ast.Node, path string) []*Error {
	var out []*Error
	switch m := unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		first := map[string]Pos{}
		for _, mv := range pairs(m) {
			key := keyText(mv.Key)
			p := posOf(mv.Key)
			if prev, dup := first[key]; dup && key != "<<" {
				out = append(out, &Error{File: file, Line: p.Line, Col: p.Col,
					Msg: fmt.Sprintf("duplicate key %q %s: already defined at [%d:%d]; give each key once", key, where(path), prev.Line, prev.Col)})
			} else if !dup {
				first[key] = p
			}
			out = append(out, duplicateKeys(file, mv.Value, joinPath(path, key))...)
		}
	case *ast.SequenceNode:
		for i, v := range m.Values {
			out = append(out, duplicateKeys(file, v, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// where names the mapping at path for a message.
func where(path string) string {
	if path == "" {
		return "at the top level"
	}
	return "in " + path
}

// replaceNode puts with in the place of old under n; false when old is not
// found below n (or is n itself, which has no parent to hold another).
func replaceNode(n, old, with ast.Node) bool {
	switch m := n.(type) {
	case *ast.AnchorNode:
		if m.Value == old {
			m.Value = with
			return true
		}
		return replaceNode(m.Value, old, with)
	case *ast.TagNode:
		if m.Value == old {
			m.Value = with
			return true
		}
		return replaceNode(m.Value, old, with)
	case *ast.MappingNode, *ast.MappingValueNode:
		for _, mv := range pairs(m) {
			if mv.Value == old {
				mv.Value = with
				return true
			}
			if replaceNode(mv.Value, old, with) {
				return true
			}
		}
	case *ast.SequenceNode:
		for i, v := range m.Values {
			if v == old {
				m.Values[i] = with
				return true
			}
			if replaceNode(v, old, with) {
				return true
			}
		}
	}
	return false
}
