package config

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// keys reads the key rebindings from the AST, keeping file order and the
// position of each action for ErrorAt.
func (b *builder) keys(n ast.Node) []KeyBinding {
	if isNull(n) {
		return nil
	}
	switch unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		b.fail(posOf(n), "keys: expected a mapping of action to keys, e.g.  quit: [q, ctrl+c]")
		return nil
	}
	var out []KeyBinding
	for _, mv := range pairs(n) {
		kb := KeyBinding{Action: strings.TrimSpace(keyText(mv.Key)), Pos: posOf(mv.Key)}
		if kb.Action == "" {
			b.fail(kb.Pos, "keys: action name is empty")
			continue
		}
		if _, alias := unwrap(mv.Value).(*ast.AliasNode); alias {
			b.fail(posOf(mv.Value), "keys: %s: aliases (*name) are not supported here; write the list of keys", kb.Action)
			continue
		}
		seq, ok := unwrap(mv.Value).(*ast.SequenceNode)
		if !ok || len(seq.Values) == 0 {
			p := posOf(mv.Value)
			if isNull(mv.Value) {
				p = kb.Pos
			}
			b.fail(p, "keys: %s needs a list of one or more keys, e.g. %s: [x] or %s: [x, ctrl+x]", kb.Action, kb.Action, kb.Action)
			continue
		}
		for _, item := range seq.Values {
			k, ok := keyName(item)
			if !ok {
				b.fail(posOf(item), "keys: %s: each key must be a non-empty key name such as q, ctrl+r or f5", kb.Action)
				continue
			}
			kb.Keys = append(kb.Keys, k)
		}
		out = append(out, kb)
	}
	return out
}

// keyName is a list entry of keys as text; false unless it is a non-empty
// scalar.
func keyName(n ast.Node) (string, bool) {
	switch n := unwrap(n).(type) {
	case *ast.StringNode:
		return n.Value, strings.TrimSpace(n.Value) != ""
	case *ast.NullNode, *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode, *ast.AliasNode, *ast.LiteralNode, nil:
		return "", false
	case ast.ScalarNode:
		if tk := n.GetToken(); tk != nil && strings.TrimSpace(tk.Value) != "" {
			return tk.Value, true
		}
	}
	return "", false
}
