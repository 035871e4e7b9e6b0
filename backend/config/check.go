package config

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// MaxProblems is how many problems Problems reads out; one more line says
// how many are left. Past twenty the file is likely not a config at all,
// and the first ones are what to fix first.
const MaxProblems = 20

// Problems is every problem of one config file, in file order: the error
// Parse and Load return for a file that does not load. It reads one
// problem a line, "file:line:col: message", at most MaxProblems of them,
// then "… and N more problems".
type Problems []*Error

func (ps Problems) Error() string {
	lines := make([]string, 0, min(len(ps), MaxProblems+1))
	for i, p := range ps {
		if i == MaxProblems {
			lines = append(lines, fmt.Sprintf("… and %d more problems", len(ps)-MaxProblems))
			break
		}
		lines = append(lines, p.Error())
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find the first *Error.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// maxDecodes bounds how often Check runs the decoder again past a value
// only the decoder refuses (a number too large, an alias).
const maxDecodes = MaxProblems

// Check loads a config and returns every problem it finds, in file order:
// someone fixing a file wants the whole list at once, not one problem per
// run. A YAML syntax error ends the list early, since nothing after it
// can be read; so does a value only the decoder refuses (see decode) when
// it cannot be set aside. The config is nil unless the list is empty.
func Check(file string, data []byte) (*Config, []*Error) {
	root, perr := parseRoot(file, data)
	if perr != nil {
		return nil, []*Error{perr}
	}
	s := newShape(file, root)
	for _, e := range duplicateKeys(file, root, "") {
		s.add(e)
	}
	if s.walk(root, reflect.TypeFor[rawConfig](), "") {
		return nil, sortErrors(s.errs) // not a mapping: there is nothing to look into
	}
	raw, ok := s.decode(root)
	if !ok {
		return nil, sortErrors(s.errs)
	}
	b := &builder{file: file, root: root, hidden: s.hidden}
	c := b.build(raw)
	problems := sortErrors(append(s.errs, b.errs...))
	if len(problems) > 0 {
		return nil, problems
	}
	return c, nil
}

// decode runs the decoder on what the walk left. A value the decoder still
// refuses is reported and replaced like the walk's, and the decoder runs
// again; false when it cannot get past one.
func (s *shape) decode(root ast.Node) (*rawConfig, bool) {
	// Strict decoding catches what the walk cannot see (keys behind an
	// alias); after the walk found unknown keys it would only stop there.
	strict := !s.unknown
	for range maxDecodes {
		var raw rawConfig
		err := decodeYAML(root, &raw, strict)
		if err == nil {
			return &raw, true
		}
		e, at := decodeError(s.file, root, err)
		if s.hidden[at.node] {
			return nil, false // it refuses the null put in place of a value it refused: go no further
		}
		s.add(e)
		switch {
		case at.owner != nil && strict: // an unknown key: reported, the rest can be read without strictness
			strict = false
		case at.node == nil || !replaceNode(root, at.node, s.null(at.node)):
			return nil, false
		}
	}
	return nil, false
}

// unknownKeyMsg says that key is not a field of owner (the raw struct of
// the mapping at parent), with the closest valid key and all of them.
func unknownKeyMsg(key, parent string, owner reflect.Type) string {
	valid := fieldNames(owner)
	return fmt.Sprintf("unknown key %q %s%s (valid keys: %s)", key, where(parent), didYouMean(key, valid), strings.Join(valid, ", "))
}

// sortErrors orders problems by position, the way a reader fixes them.
func sortErrors(errs []*Error) []*Error {
	slices.SortStableFunc(errs, func(x, y *Error) int {
		return cmp.Or(cmp.Compare(x.Line, y.Line), cmp.Compare(x.Col, y.Col))
	})
	return errs
}
