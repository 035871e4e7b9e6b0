package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/atomicfile"
	"github.com/manacore/opsdeck/backend/audit"
	"github.com/manacore/opsdeck/backend/incident"
	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/theme"
)

// exportPrompt asks where to write the current snapshot, and before
// overwriting anything whether to. While it is open every key is its.
type exportPrompt struct {
	open  bool
	input textinput.Model
	// overwrite is the path whose files exist already, while the prompt
	// asks whether to replace them; "" otherwise.
	overwrite string
}

func newExportPrompt() exportPrompt {
	ti := textinput.New()
	ti.Prompt = "export to: "
	return exportPrompt{input: ti}
}

// start opens the prompt with a timestamped default file name, so the
// default never names an earlier export.
func (p *exportPrompt) start(s backend.Snapshot) tea.Cmd {
	p.open, p.overwrite = true, ""
	env := strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' {
			return '-'
		}
		return r
	}, s.Environment)
	p.input.SetValue(fmt.Sprintf("opsdeck-%s-%s.md", env, s.At.UTC().Format("20060102-150405")))
	p.input.CursorEnd()
	return p.input.Focus()
}

// exportWrite is what a key asks of the export: write path, replacing
// what is there only when overwrite is set.
type exportWrite struct {
	path      string
	overwrite bool
}

// update handles a key; it returns the write to do, if any.
func (p *exportPrompt) update(msg tea.KeyPressMsg) (tea.Cmd, *exportWrite) {
	if p.overwrite != "" {
		path := p.overwrite
		p.open, p.overwrite = false, ""
		p.input.Blur()
		if msg.String() == "y" || msg.String() == "Y" {
			return nil, &exportWrite{path: path, overwrite: true}
		}
		return notify(kit.LevelInfo, "export: nothing written"), nil
	}
	switch msg.String() {
	case "esc":
		p.open = false
		p.input.Blur()
		return nil, nil
	case "enter":
		p.open = false
		p.input.Blur()
		return nil, &exportWrite{path: strings.TrimSpace(p.input.Value())}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd, nil
}

// exportExists says the files of path are there already: the prompt asks.
type exportExists struct{ path, md, json string }

// ask opens the prompt again to ask whether to replace what is there.
func (p *exportPrompt) ask(e exportExists) {
	p.open, p.overwrite = true, e.path
}

// view is the prompt's status-bar line.
func (p *exportPrompt) view(t *theme.Theme) string {
	if p.overwrite != "" {
		return t.Warn.Render("replace " + p.overwrite + " and its .json? y replaces · any other key keeps them")
	}
	return p.input.View()
}

// startExport opens the export prompt, unless this console may not write
// files (a remote session of `opsdeck serve`).
func (m *Model) startExport() tea.Cmd {
	if m.opts.NoExport {
		return notify(kit.LevelWarn, "export writes files on the server and is off in opsdeck serve; run `opsdeck status --json` there")
	}
	return m.export.start(m.snap)
}

// exportCmd writes the snapshot as the markdown report at w.path and as
// the `opsdeck status --json` document next to it (.json), off the UI
// goroutine, each atomically (a reader sees the old file or the new one,
// never half), and names both by their absolute paths. Files already
// there are replaced only when w.overwrite says so; otherwise it asks.
//
// The report is the dashboard's: with the blue/green projects as the
// deployments screen evaluates them (their history read from the audit
// log, in the Cmd) and the open incident's timeline.
func (m *Model) exportCmd(w exportWrite) tea.Cmd {
	s, specs, pairsOf, ctx := m.snap, m.opts.Deployments, m.opts.Deps.AuditPairs, m.ctx
	var open *incident.Incident
	if inc := m.board.Incident; inc != nil && inc.Resolved.IsZero() {
		c := *inc
		c.Timeline = slices.Clone(inc.Timeline) // the Cmd reads it off the UI goroutine
		open = &c
	}
	return func() tea.Msg {
		if w.path == "" {
			return kit.NoticeMsg{Level: kit.LevelWarn, Text: "export: no file name given"}
		}
		path, err := filepath.Abs(w.path)
		if err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		jsonPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
		if !w.overwrite {
			for _, p := range []string{path, jsonPath} {
				if _, err := os.Lstat(p); err == nil {
					return exportExists{path: w.path, md: path, json: jsonPath}
				}
			}
		}
		var pairs []audit.Pair
		if pairsOf != nil && len(specs) > 0 {
			actx, cancel := context.WithTimeout(ctx, 5*time.Second)
			var err error
			pairs, err = pairsOf(actx)
			cancel()
			if err != nil {
				return kit.NoticeMsg{Level: kit.LevelError, Text: "export: the deployments' history: " + err.Error()}
			}
		}
		rep := report.FromSnapshot(s).WithDeployments(specs, s, pairs).WithIncident(open)
		var md bytes.Buffer
		if err := rep.WriteMarkdown(&md); err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		js, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		if err := atomicfile.Write(path, md.Bytes(), 0o644, true); err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		if err := atomicfile.Write(jsonPath, append(js, '\n'), 0o644, true); err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		return kit.NoticeMsg{Level: kit.LevelInfo, Text: "exported " + path + " and " + jsonPath}
	}
}
