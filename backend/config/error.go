package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/manacore/opsdeck/backend/yamlpos"
)

// Pos is a 1-based line and column in the config file; zero means unknown.
type Pos = yamlpos.Pos

// Error is a problem with a config file, located where an editor can jump
// to it: "file:line:col: msg".
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "config"
	}
	return yamlpos.Format(file, Pos{Line: e.Line, Col: e.Col}, e.Msg)
}

var tokenPos = yamlpos.TokenPos

// fromYAML turns an error of the goccy parser or decoder into an *Error.
// Every goccy error implements yaml.Error, whose token carries the
// position; the message is rewritten with the config path and the keys
// that are valid there, because "cannot unmarshal string into Go struct
// field rawSimulator.Seed of type int64" means nothing to the reader.
func fromYAML(file string, root ast.Node, err error) *Error {
	e, _ := decodeError(file, root, err)
	return e
}

// decodeError is fromYAML that also says where in root the error is.
func decodeError(file string, root ast.Node, err error) (*Error, located) {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{File: file, Msg: err.Error()}, located{}
	}
	tk := ye.GetToken()
	at := lookup(root, reflect.TypeFor[rawConfig](), tk, "")
	e := &Error{File: file, Msg: ye.GetMessage()}
	p := tokenPos(tk)
	if at.node != nil {
		p = posOf(at.node)
	}
	e.Line, e.Col = p.Line, p.Col

	var (
		syntax   *yaml.SyntaxError
		typ      *yaml.TypeError
		overflow *yaml.OverflowError
		unknown  *yaml.UnknownFieldError
		nodeType *yaml.UnexpectedNodeTypeError
	)
	switch {
	case errors.As(err, &syntax):
		e.Msg = "YAML syntax error: " + syntax.Message
	case errors.As(err, &unknown) && at.owner != nil:
		e.Msg = unknownKeyMsg(at.key, at.parent, at.owner)
	case errors.As(err, &typ) && at.node != nil:
		e.Msg = fmt.Sprintf("%s: expected %s, got %s", pathOr(at.path), kindOf(typ.DstType), describeAt(at.node, at.path))
	case errors.As(err, &nodeType) && at.node != nil:
		want := "a " + nodeType.Expected.YAMLName()
		switch nodeType.Expected {
		case ast.MappingType:
			want = "a mapping (key: value lines)"
		case ast.SequenceType:
			want = "a list"
		}
		e.Msg = fmt.Sprintf("%s: expected %s, got %s", pathOr(at.path), want, describeAt(at.node, at.path))
	case errors.As(err, &overflow) && at.node != nil:
		e.Msg = fmt.Sprintf("%s: %s is too large a number", pathOr(at.path), overflow.SrcNum)
	case secretPath(at.path):
		// goccy's own words may quote the value.
		e.Msg = pathOr(at.path) + ": cannot be read as what this key takes"
	}
	return e, at
}

func pathOr(p string) string {
	if p == "" {
		return "the file"
	}
	return p
}

// kindOf names what a Go type accepts, in YAML terms.
func kindOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a single value"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping (key: value lines)"
	}
	return t.String()
}

// describeAt is describe for the value at path, which it does not quote
// when the key may hold a secret (secretPath).
func describeAt(n ast.Node, path string) string {
	if secretPath(path) {
		switch unwrap(n).(type) {
		case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode, *ast.NullNode, nil:
			return describe(n)
		}
		return "a single value"
	}
	return describe(n)
}

// secretKeys are the keys whose values, or values below them, may be
// secrets: the HTTP client settings' passwords and tokens, and every
// header (an API key travels as one).
var secretKeys = []string{"password", "credentials", "client_secret", "secrets", "http_headers"}

// secretPath reports a path at or below a key of secretKeys.
func secretPath(path string) bool {
	for _, seg := range strings.Split(path, ".") {
		seg, _, _ = strings.Cut(seg, "[")
		if slices.Contains(secretKeys, seg) {
			return true
		}
	}
	return false
}

// describe names what a node holds, quoting scalars.
func describe(n ast.Node) string {
	switch n := unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "nothing"
	case *ast.StringNode:
		return strconv.Quote(n.Value)
	case nil:
		return "nothing"
	default: // numbers, booleans: as written
		if tk := n.GetToken(); tk != nil {
			return tk.Value
		}
		return n.Type().String()
	}
}

// located is where a token sits in the document: the node it starts, its
// path ("projects[0].services[1].component"), and, when the token is a
// mapping key, the key, the path of its mapping and the raw struct type
// that mapping decodes into.
type located struct {
	node         ast.Node
	path, parent string
	key          string
	owner        reflect.Type
}

// lookup walks the document and the raw config type side by side to find
// the node whose token is tk.
func lookup(n ast.Node, t reflect.Type, tk *token.Token, path string) located {
	if n == nil || tk == nil {
		return located{}
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.GetToken() == tk {
		return located{node: n, path: path}
	}
	switch m := unwrap(n).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		for _, mv := range pairs(m) {
			key := keyText(mv.Key)
			sub := joinPath(path, key)
			if mv.Key.GetToken() == tk {
				return located{node: mv, path: sub, parent: path, key: key, owner: structOnly(t)}
			}
			if at := lookup(mv.Value, fieldType(t, key), tk, sub); at.node != nil {
				return at
			}
		}
	case *ast.SequenceNode:
		var elem reflect.Type
		if t != nil && t.Kind() == reflect.Slice {
			elem = t.Elem()
		}
		for i, v := range m.Values {
			if at := lookup(v, elem, tk, fmt.Sprintf("%s[%d]", path, i)); at.node != nil {
				return at
			}
		}
	}
	return located{}
}

func structOnly(t reflect.Type) reflect.Type {
	if t != nil && t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

// fieldType is the type a key decodes into: a struct field by yaml tag, or
// a map's element type.
func fieldType(t reflect.Type, key string) reflect.Type {
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem()
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if inline(f) {
				if ft := fieldType(f.Type, key); ft != nil {
					return ft
				}
			} else if yamlName(f) == key {
				return f.Type
			}
		}
	}
	return nil
}

// fieldNames are the keys of struct t, those of inline fields in their
// place.
func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if f := t.Field(i); inline(f) {
			names = append(names, fieldNames(f.Type)...)
		} else if n := yamlName(f); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// inline reports a struct field whose keys are its parent's
// (`yaml:",inline"`): the HTTP settings beside a source's url.
func inline(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return f.Type.Kind() == reflect.Struct && slices.Contains(strings.Split(opts, ","), "inline")
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

func joinPath(path, key string) string {
	if strings.ContainsAny(key, " .[]\"'") || key == "" {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// didYouMean suggests the closest of valid to got, for typos like
// "helth_url" or a missing unit as in "memory"; "" when nothing is close.
func didYouMean(got string, valid []string) string {
	got = strings.ToLower(got)
	best, bestD := "", len(got)/3+2
	for _, v := range valid {
		d := distance(got, v)
		if strings.HasPrefix(v, got+"_") {
			d = 1
		}
		if d < bestD {
			best, bestD = v, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(rb)]
}
