package runbook

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/manacore/opsdeck/backend"
)

// Placeholders an argv word may hold, filled from the action.
const (
	PhService  = "service"
	PhVersion  = "version"
	PhProject  = "project"
	PhDatabase = "database"
	PhColour   = "colour"
	PhDump     = "dump"
	PhWeight   = "weight" // percent of traffic a blue/green colour gets
	phSQL      = "sql"    // only in DatabaseSpec.Psql, from the configured check
)

// placeholderRE finds {name} in an argv word. Braces around anything else
// ("awk '{print $1}'") are left alone.
var placeholderRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// placeholders lists the names used in argv.
func placeholders(argv []string) []string {
	var names []string
	for _, w := range argv {
		for _, m := range placeholderRE.FindAllStringSubmatch(w, -1) {
			names = append(names, m[1])
		}
	}
	return names
}

// checkPlaceholders refuses a configured argv that uses names outside
// allowed, so a typo ("{verison}") fails at startup, not mid-incident.
func checkPlaceholders(argv []string, allowed ...string) error {
	for _, n := range placeholders(argv) {
		ok := false
		for _, a := range allowed {
			ok = ok || n == a
		}
		if !ok {
			return fmt.Errorf("unknown placeholder {%s} (allowed: {%s})", n, strings.Join(allowed, "}, {"))
		}
	}
	return nil
}

// substitute fills placeholders without checking the values: only fill
// (and tests proving that quoting alone keeps values inert) call it.
func substitute(argv []string, vals map[string]string) []string {
	out := make([]string, len(argv))
	for i, w := range argv {
		out[i] = placeholderRE.ReplaceAllStringFunc(w, func(m string) string {
			if v, ok := vals[m[1:len(m)-1]]; ok {
				return v
			}
			return m
		})
	}
	return out
}

// fill substitutes the placeholders of argv after checking every value
// that is used: a missing value, or one that is not a plain identifier
// (a clean dump path for {dump}), refuses the whole command. Values are
// named in the error with %q so an operator sees exactly what was refused.
func fill(argv []string, vals map[string]string) ([]string, error) {
	for _, n := range placeholders(argv) {
		v, ok := vals[n]
		if !ok || v == "" {
			return nil, fmt.Errorf("needs a value for {%s}", n)
		}
		if err := checkValue(n, v); err != nil {
			return nil, err
		}
	}
	return substitute(argv, vals), nil
}

// checkValue is the per-placeholder rule.
func checkValue(name, v string) error {
	switch name {
	case PhDump:
		return CheckDumpPath(v)
	case phSQL:
		return nil // configured SQL, never from the action; quoted as one word
	}
	if !backend.ValidIdent(v) {
		return fmt.Errorf("refused {%s} value %q: only letters, digits, _ . - (not first) are allowed", name, v)
	}
	return nil
}

// CheckDumpPath accepts a clean absolute path whose every element is a
// plain name (backend.RemotePathProblem): directories may be hidden
// (/root/.cache/…/dumps), the dump itself may not. A refusal names the
// element and why.
func CheckDumpPath(p string) error {
	if why := backend.RemotePathProblem(p, true); why != "" {
		return fmt.Errorf("refused dump path %q: %s", p, why)
	}
	return nil
}
