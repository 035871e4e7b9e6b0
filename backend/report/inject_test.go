package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/manacore/opsdeck/backend"
)

// hostile carries clear screen, clipboard write, hyperlink, 8-bit CSI,
// bell, CR/backspace overwrite, bidi override, a tab and a line break.
const hostile = "evil\x1b[2J\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://x\x1b\\l\u009b31m\rX\b\u202etxt\tcol\nrow"

func hostileReport() (Status, Status) {
	plain := snapshot()
	plain.Alerts = []backend.Alert{{Name: "A", Severity: backend.SeverityCritical, Service: "chat-backend", Summary: "s", State: backend.AlertFiring, Since: now}}
	plain.Sources[1].OK, plain.Sources[1].Err = false, "prometheus: refused"
	evil := snapshot()
	evil.Environment = hostile
	evil.Sources[1].OK, evil.Sources[1].Err = false, hostile
	for i := range evil.Services {
		s := &evil.Services[i]
		s.Name, s.Project, s.Host = hostile, hostile, hostile
		for j := range s.Containers {
			s.Containers[j].Name, s.Containers[j].Version = hostile, hostile
		}
	}
	evil.Alerts = []backend.Alert{{Name: hostile, Severity: backend.SeverityCritical, Service: hostile, Summary: hostile, State: backend.AlertFiring, Since: now}}
	evil.Databases[0].Name, evil.Dependencies[0].Name = hostile, hostile
	return FromSnapshot(plain), FromSnapshot(evil)
}

func TestTableAndMarkdownDoNotPassEscapes(t *testing.T) {
	plain, evil := hostileReport()
	for name, write := range map[string]func(Status, *bytes.Buffer) error{
		"table":    func(s Status, b *bytes.Buffer) error { return s.WriteTable(b) },
		"markdown": func(s Status, b *bytes.Buffer) error { return s.WriteMarkdown(b) },
	} {
		var want, got bytes.Buffer
		if err := write(plain, &want); err != nil {
			t.Fatal(err)
		}
		if err := write(evil, &got); err != nil {
			t.Fatal(err)
		}
		out := got.String()
		for _, r := range out {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202e {
				t.Fatalf("%s passes %U to the terminal:\n%q", name, r, out)
			}
		}
		if !utf8.ValidString(out) || !strings.Contains(out, "evil␛[2J␛]52;c;cHduZWQ=␇") || !strings.Contains(out, "txt col row") {
			t.Fatalf("%s does not show the hostile text readably:\n%s", name, out)
		}
		// A line break or tab in a value must not add rows or columns.
		if g, w := strings.Count(out, "\n"), strings.Count(want.String(), "\n"); g != w {
			t.Fatalf("%s: %d lines with hostile values, %d without:\n%s", name, g, w, out)
		}
	}
	if evil.Services[0].Name != hostile {
		t.Fatal("writing changed the report itself")
	}
}
