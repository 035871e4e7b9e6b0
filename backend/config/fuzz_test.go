package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse: whatever the bytes, Parse returns a config or Problems, each
// a proper *Error, never panics; a config it accepts holds the invariants
// the rest of opsdeck relies on.
func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	if example, err := os.ReadFile("../../testdata/manacore.yaml"); err == nil {
		f.Add(example)
	}
	f.Add([]byte(minimal))
	for _, c := range readBadCases(f) {
		f.Add([]byte(c.yaml))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("not Problems: %#v", err)
			}
			for _, e := range ps {
				if e.Line < 0 || e.Col < 0 || e.Msg == "" || e.File != "fuzz.yaml" {
					t.Fatalf("not a proper *Error: %#v", e)
				}
				if strings.Contains(e.Msg, panicMsg) {
					t.Fatalf("goccy/go-yaml panicked (recovered): %v", e)
				}
			}
			return
		}
		if c.Environment == "" || len(c.Services()) == 0 || c.Sources.Simulator == nil {
			t.Fatalf("accepted an incomplete config: %+v", c)
		}
		seen := map[string]bool{}
		for _, s := range c.Services() {
			if !nameRE.MatchString(s.Name) || seen[s.Name] {
				t.Fatalf("accepted service name %q", s.Name)
			}
			seen[s.Name] = true
		}
		if s := c.Sources.Simulator; s.Interval <= 0 || s.Timeout <= 0 || s.Timeout > s.Interval {
			t.Fatalf("accepted simulator timing %v/%v", s.Interval, s.Timeout)
		}
	})
}
