// Package jsoncheck checks a document against a JSON Schema, for the
// tests that hold opsdeck's schemas (config, status and check documents)
// to what the program really reads and writes. It knows the keywords those
// schemas use and no others: it is a test instrument, not a validator for
// schemas from elsewhere.
package jsoncheck

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"time"
)

// Validate checks doc (as encoding/json or a YAML decoder gives it: maps,
// slices, strings, numbers, bools, nil) against schema (JSON text) and
// returns what it finds wrong, one line each with the path.
func Validate(schema []byte, doc any) ([]string, error) {
	var s map[string]any
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	var c checker
	c.check(s, doc, "$")
	return c.problems, nil
}

type checker struct{ problems []string }

func (c *checker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

func (c *checker) check(s map[string]any, v any, path string) {
	if alts, ok := s["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			var sub checker
			sub.check(alt.(map[string]any), v, path)
			if len(sub.problems) == 0 {
				matched++
			}
		}
		if matched != 1 {
			c.fail(path, "%v matches %d of the %d alternatives (oneOf)", brief(v), matched, len(alts))
		}
		return
	}
	if want, ok := s["const"]; ok {
		if f, isNum := number(v); !isNum || f != want {
			c.fail(path, "%v is not %v", brief(v), want)
		}
	}
	switch typ, _ := s["type"].(string); typ {
	case "null":
		if v != nil {
			c.fail(path, "%v is not null", brief(v))
		}
	case "object":
		c.object(s, v, path)
	case "array":
		l, ok := v.([]any)
		if !ok {
			c.fail(path, "%v is not a list", brief(v))
			return
		}
		if n, ok := s["minItems"].(float64); ok && float64(len(l)) < n {
			c.fail(path, "has %d items, fewer than %v", len(l), n)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range l {
				c.check(items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			c.fail(path, "%v is not a string", brief(v))
			return
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			c.fail(path, "%q does not match %s", str, p)
		}
		if e, ok := s["enum"].([]any); ok && !slices.Contains(e, any(str)) {
			c.fail(path, "%q is not one of %v", str, e)
		}
		if n, ok := s["minLength"].(float64); ok && float64(len([]rune(str))) < n {
			c.fail(path, "%q is shorter than %v", str, n)
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				c.fail(path, "%q is not an RFC 3339 time", str)
			}
		}
	case "number", "integer":
		f, ok := number(v)
		if !ok || (typ == "integer" && f != math.Trunc(f)) {
			c.fail(path, "%v is not a %s", brief(v), typ)
			return
		}
		if m, ok := s["minimum"].(float64); ok && f < m {
			c.fail(path, "%v is below the minimum %v", f, m)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.fail(path, "%v is not true or false", brief(v))
		}
	}
}

func (c *checker) object(s map[string]any, v any, path string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "%v is not a mapping", brief(v))
		return
	}
	for _, r := range asList(s["required"]) {
		if _, ok := m[r.(string)]; !ok {
			c.fail(path, "required key %s is missing", r)
		}
	}
	props, _ := s["properties"].(map[string]any)
	names, _ := s["propertyNames"].(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // problems in a stable order
	for _, k := range keys {
		sub := m[k]
		if e := asList(names["enum"]); names != nil && !slices.Contains(e, any(k)) {
			c.fail(path, "key %s is not one of %v", k, e)
		}
		switch ps, ap := props[k], s["additionalProperties"]; {
		case ps != nil:
			c.check(ps.(map[string]any), sub, path+"."+k)
		case ap == false:
			c.fail(path, "unknown key %s", k)
		case ap != nil && ap != true:
			c.check(ap.(map[string]any), sub, path+"."+k)
		}
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// number reads the numbers of encoding/json (float64) and of YAML
// decoders (ints and uints of every size).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case uint64:
		return float64(n), true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case uint:
		return float64(n), true
	}
	return 0, false
}

func brief(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
