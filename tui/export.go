package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/report"
	"github.com/manacore/opsdeck/views/kit"
)

// exportPrompt asks where to write the current snapshot. While it is open
// every key is text.
type exportPrompt struct {
	open  bool
	input textinput.Model
}

func newExportPrompt() exportPrompt {
	ti := textinput.New()
	ti.Prompt = "export to: "
	return exportPrompt{input: ti}
}

// start opens the prompt with a default file name for this snapshot.
func (p *exportPrompt) start(s backend.Snapshot) tea.Cmd {
	p.open = true
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

// update handles a key; on enter it returns the path to write.
func (p *exportPrompt) update(msg tea.KeyPressMsg) (tea.Cmd, string) {
	switch msg.String() {
	case "esc":
		p.open = false
		p.input.Blur()
		return nil, ""
	case "enter":
		p.open = false
		p.input.Blur()
		return nil, strings.TrimSpace(p.input.Value())
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd, ""
}

// startExport opens the export prompt, unless this console may not write
// files (a remote session of `opsdeck serve`).
func (m *Model) startExport() tea.Cmd {
	if m.opts.NoExport {
		return notify(kit.LevelWarn, "export writes files on the server and is off in opsdeck serve; run `opsdeck status --json` there")
	}
	return m.export.start(m.snap)
}

// exportCmd writes the snapshot as the markdown report at path and as the
// `opsdeck status --json` document next to it (.json), off the UI
// goroutine, and reports where it wrote.
func exportCmd(s backend.Snapshot, path string) tea.Cmd {
	return func() tea.Msg {
		if path == "" {
			return kit.NoticeMsg{Level: kit.LevelWarn, Text: "export: no file name given"}
		}
		rep := report.FromSnapshot(s)
		var md bytes.Buffer
		if err := rep.WriteMarkdown(&md); err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		js, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		jsonPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
		if err := os.WriteFile(path, md.Bytes(), 0o644); err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
			return kit.NoticeMsg{Level: kit.LevelError, Text: "export: " + err.Error()}
		}
		return kit.NoticeMsg{Level: kit.LevelInfo, Text: "exported " + path + " and " + jsonPath}
	}
}
