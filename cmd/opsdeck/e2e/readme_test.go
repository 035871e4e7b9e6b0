//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manacore/opsdeck/tui/tuitest"
)

// The README's capture of the demo overview is what the binary draws,
// started as the README says, at 80x24.
func TestReadmeCaptureIsTheDemo(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleDir(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const intro = "`go run ./cmd/opsdeck --demo --clock\n2026-11-26T12:34:56Z`; colour dropped):\n\n```\n"
	_, rest, ok := strings.Cut(string(data), intro)
	capture, _, closed := strings.Cut(rest, "```\n")
	if !ok || !closed {
		t.Fatal("the README has no capture after the line naming its command")
	}
	want := strings.Split(strings.TrimRight(capture, "\n"), "\n")

	c := tuitest.StartConsole(t, opsdeck, tuitest.Options{Width: 80, Height: 24, Args: []string{"--demo", "--clock", "2026-11-26T12:34:56Z"}})
	var got []string
	c.Until("the capture of the README", tuitest.ConsoleWait, func(screen string) bool {
		got = strings.Split(strings.TrimRight(screen, "\n"), "\n")
		for i := range got {
			got[i] = strings.TrimRight(got[i], " ")
		}
		return strings.Join(got, "\n") == strings.Join(want, "\n")
	})
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}
