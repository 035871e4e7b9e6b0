package drtree

import (
	"fmt"
	"sort"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/manacore/opsdeck/backend/yamlpos"
)

// The raw types mirror the YAML as written; durations are strings so a bad
// one is reported at its node (goccy's duration errors carry no position).
type rawTree struct {
	Root     string                `yaml:"root"`
	Contacts map[string]rawContact `yaml:"contacts"`
	Branches []rawBranch           `yaml:"branches"`
	Nodes    []rawNode             `yaml:"nodes"`
}

type rawContact struct {
	Who   string `yaml:"who"`
	Phone string `yaml:"phone"`
}

type rawBranch struct {
	ID         string         `yaml:"id"`
	Name       string         `yaml:"name"`
	Start      string         `yaml:"start"`
	RTO        string         `yaml:"rto"`
	RPO        string         `yaml:"rpo"`
	Escalation *rawEscalation `yaml:"escalation"`
}

type rawEscalation struct {
	When string   `yaml:"when"`
	Call []string `yaml:"call"`
}

type rawNode struct {
	ID       string      `yaml:"id"`
	Kind     string      `yaml:"kind"`
	Title    string      `yaml:"title"`
	Text     string      `yaml:"text"`
	Ask      []string    `yaml:"ask"`
	Escalate bool        `yaml:"escalate"`
	Options  []rawOption `yaml:"options"`
	Live     string      `yaml:"live"`
	Yes      string      `yaml:"yes"`
	No       string      `yaml:"no"`
	Action   *rawAction  `yaml:"action"`
	OnOK     string      `yaml:"on_ok"`
	OnFail   string      `yaml:"on_fail"`
	Items    []string    `yaml:"items"`
	Next     string      `yaml:"next"`
	For      string      `yaml:"for"`
	HandOver string      `yaml:"handover"`
}

type rawOption struct {
	Label string `yaml:"label"`
	Next  string `yaml:"next"`
}

type rawAction struct {
	Kind   string            `yaml:"kind"`
	Target string            `yaml:"target"`
	Params map[string]string `yaml:"params"`
}

// Parse reads and validates a tree. file names it in error messages. The
// error, if any, is an *Error: the first problem in file order.
func Parse(file string, data []byte) (*Tree, error) {
	f, err := parseYAML(data)
	if err != nil {
		return nil, fromYAML(file, err)
	}
	bodies := yamlpos.Bodies(f)
	switch len(bodies) {
	case 0:
		return nil, &Error{File: file, Msg: "the tree is empty; it needs root, branches and nodes"}
	case 1:
	default:
		p := posOf(bodies[1])
		return nil, &Error{File: file, Line: p.Line, Col: p.Col, Msg: "a second YAML document (after ---); a tree is a single document"}
	}
	var raw rawTree
	if err := decodeYAML(bodies[0], &raw); err != nil {
		return nil, fromYAML(file, err)
	}
	b := &builder{file: file, loc: locator{bodies[0]}}
	t := b.build(&raw)
	if len(b.errs) > 0 {
		sort.SliceStable(b.errs, func(i, j int) bool {
			ei, ej := b.errs[i], b.errs[j]
			if ei.Line != ej.Line {
				return ei.Line < ej.Line
			}
			return ei.Col < ej.Col
		})
		return nil, b.errs[0]
	}
	return t, nil
}

// parseYAML and decodeYAML turn a panic inside the library into an error:
// a bad file must never take the console down.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer recoverYAML(&err)
	return parser.ParseBytes(data, 0)
}

func decodeYAML(root ast.Node, raw *rawTree) (err error) {
	defer recoverYAML(&err)
	return yaml.NodeToValue(root, raw, yaml.DisallowUnknownField())
}

func recoverYAML(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("the YAML parser failed on this file (%v); please report it", r)
	}
}

// builder turns the raw tree into a Tree, collecting positioned errors.
type builder struct {
	file string
	loc  locator
	errs []*Error
}

func (b *builder) errAt(p Pos, format string, args ...any) {
	b.errs = append(b.errs, &Error{File: b.file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
}

// duration parses an optional duration at path; "" is 0.
func (b *builder) duration(s, what string, path ...any) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		b.errAt(b.loc.at(path...), "%s: %q is not a positive duration (write it like 30s, 20m, 2h)", what, s)
		return 0
	}
	return d
}
