package config

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Check loads a config like Parse but returns every problem it finds, in
// file order, for `opsdeck config validate`: Parse stops at the first one,
// and someone fixing a file wants the whole list at once. Every unknown
// key is found before decoding; a problem that stops the decoder (YAML
// syntax, a value of the wrong type) ends the list there, since nothing
// after it can be checked. The config is nil unless the list is empty.
func Check(file string, data []byte) (*Config, []*Error) {
	root, perr := parseRoot(file, data)
	if perr != nil {
		return nil, []*Error{perr}
	}
	problems := unknownKeys(file, root, reflect.TypeFor[rawConfig](), "")
	var raw rawConfig
	// Strict decoding catches what the walk cannot see (keys behind an
	// alias); it would only repeat the walk's findings.
	if err := decodeYAML(root, &raw, len(problems) == 0); err != nil {
		return nil, sortErrors(append(problems, fromYAML(file, root, err)))
	}
	b := &builder{file: file, root: root}
	c := b.build(&raw)
	problems = sortErrors(append(problems, b.errs...))
	if len(problems) > 0 {
		return nil, problems
	}
	return c, nil
}

// unknownKeys walks a mapping against the raw type it decodes into and
// reports every key that type does not have.
func unknownKeys(file string, n ast.Node, t reflect.Type, path string) []*Error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case nil, reflect.TypeFor[ast.Node](), reflect.TypeFor[rawLevels](), reflect.TypeFor[rawDurations]():
		return nil // keys: and thresholds are walked by hand, with their own messages
	}
	var out []*Error
	switch m := unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		for _, mv := range pairs(m) {
			key := keyText(mv.Key)
			if key == "<<" { // a merge key: its values are checked where they are written
				continue
			}
			ft := fieldType(t, key)
			if ft == nil && t.Kind() == reflect.Struct {
				p := posOf(mv)
				out = append(out, &Error{File: file, Line: p.Line, Col: p.Col, Msg: unknownKeyMsg(key, path, t)})
				continue
			}
			out = append(out, unknownKeys(file, mv.Value, ft, joinPath(path, key))...)
		}
	case *ast.SequenceNode:
		if t.Kind() != reflect.Slice {
			return nil // the decoder reports the wrong type
		}
		for i, v := range m.Values {
			out = append(out, unknownKeys(file, v, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// unknownKeyMsg says that key is not a field of owner (the raw struct of
// the mapping at parent), with the closest valid key and all of them.
func unknownKeyMsg(key, parent string, owner reflect.Type) string {
	valid := fieldNames(owner)
	where := "at the top level"
	if parent != "" {
		where = "in " + parent
	}
	return fmt.Sprintf("unknown key %q %s%s (valid keys: %s)", key, where, didYouMean(key, valid), strings.Join(valid, ", "))
}

// sortErrors orders problems by position, the way a reader fixes them.
func sortErrors(errs []*Error) []*Error {
	slices.SortStableFunc(errs, func(x, y *Error) int {
		return cmp.Or(cmp.Compare(x.Line, y.Line), cmp.Compare(x.Col, y.Col))
	})
	return errs
}
